import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AbortMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3, uniqueBucket } from './support/clients';
import { exportedNames, metricNames } from './support/promql-names';
import { stack } from './support/stack';

const ROOT = path.resolve(__dirname, '..');
/** Metrics that come from outside our services (kube-state-metrics, Prometheus itself). */
const EXTERNAL = new Set(['up', 'kube_pod_container_status_restarts_total']);

/** /metrics URL of every service of the local stack (written by scripts/local.ts). */
function metricsUrls(): Record<string, string> {
  const runtime = JSON.parse(readFileSync(path.join(stack().dataDir!, 'local-runtime.json'), 'utf8'));
  return {
    gateway: `${runtime.GATEWAY_OPS_URL}/metrics`,
    auth: `${runtime.AUTH_URL}/metrics`,
    metadata: `${runtime.METADATA_URL}/metrics`,
    blob: `${runtime.BLOB_URL}/metrics`,
    janitor: `${runtime.JANITOR_URL}/metrics`,
  };
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return res.text();
}

function dashboardExprs(): string[] {
  const dashboard = JSON.parse(readFileSync(path.join(ROOT, 'deploy/grafana-dashboard.json'), 'utf8'));
  const panels = dashboard.panels.flatMap((p: { panels?: unknown[] }) => [p, ...(p.panels ?? [])]);
  return panels.flatMap((p: { targets?: Array<{ expr: string }> }) => (p.targets ?? []).map((t) => t.expr));
}

function ruleExprs(): string[] {
  // The rules file is YAML; its expressions are the `expr:` values (one line or a `|` block).
  const text = readFileSync(path.join(ROOT, 'helm/excloud-buckets/files/prometheus-rules.yaml'), 'utf8');
  const exprs: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)expr:\s*(.*)$/.exec(lines[i]!);
    if (!m) continue;
    if (m[2] !== '|') {
      exprs.push(m[2]!);
      continue;
    }
    const block: string[] = [];
    while (i + 1 < lines.length && (lines[i + 1]!.startsWith(m[1]! + '  ') || lines[i + 1]!.trim() === '')) block.push(lines[++i]!);
    exprs.push(block.join('\n'));
  }
  const recorded = new Set([...text.matchAll(/^\s*- record: (\S+)/gm)].map((r) => r[1]!));
  return exprs.map((e) => [...recorded].reduce((acc, r) => acc.split(r).join(' '), e));
}

const localOnly = stack().dataDir ? describe : describe.skip;

localOnly('metrics: what the dashboard and alerts query is what the services export', () => {
  const client = s3();
  const bucket = uniqueBucket('metrics');
  let scraped: Record<string, string> = {};

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'hello' }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'big', Body: Buffer.alloc(100_000, 1) }));
    // The second GET of a small object comes from the blob cache (blob-cache.ts); of one too large
    // for it, it is read ahead (read-ahead.ts).
    for (const key of ['k', 'k', 'big', 'big']) await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray();
    const urls = metricsUrls();
    scraped = Object.fromEntries(await Promise.all(Object.entries(urls).map(async ([name, url]) => [name, await scrape(url)])));
  });

  it('every metric named by a dashboard panel or an alert rule is exported by some service', () => {
    const exported = new Set(Object.values(scraped).flatMap((text) => [...exportedNames(text)]));
    const wanted = [...dashboardExprs(), ...ruleExprs()].flatMap((e) => metricNames(e).map((name) => ({ name, e })));
    expect(wanted.length).toBeGreaterThan(30);
    const missing = wanted.filter(({ name }) => !exported.has(name) && !EXTERNAL.has(name));
    expect(missing).toEqual([]);
  });

  it('the checker itself notices a name nobody exports', () => {
    const exported = exportedNames(scraped.gateway!);
    expect(metricNames('sum by (operation) (rate(excloud_http_requestz_total{excloud_service="gateway"}[5m]))')).toEqual(['excloud_http_requestz_total']);
    expect(exported.has('excloud_http_requestz_total')).toBe(false);
    expect(exported.has('excloud_http_request_duration_seconds_bucket')).toBe(true);
  });

  it('labels every service by excloud_service, never by service (a ServiceMonitor owns that label)', () => {
    for (const [name, text] of Object.entries(scraped)) {
      expect(text).toContain(`excloud_service="${name}"`);
      expect(text).not.toMatch(/[{,]service="/);
    }
  });

  it('the janitor gauges report live counts at scrape time', async () => {
    const key = 'in-progress.bin';
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    try {
      const text = await scrape(metricsUrls().janitor);
      const value = (metric: string) => Number(new RegExp(`^${metric}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
      expect(value('excloud_janitor_active_uploads')).toBeGreaterThanOrEqual(1);
      expect(value('excloud_janitor_stats_up')).toBe(1);
    } finally {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }));
    }
  });

  it('counts gateway bytes per operation and the Postgres pools', () => {
    expect(scraped.gateway).toMatch(/^excloud_gateway_received_bytes_total\{[^}]*operation="PutObject"[^}]*\} [1-9]/m);
    expect(scraped.gateway).toMatch(/^excloud_gateway_read_ahead_total\{[^}]*outcome="used"[^}]*\} [1-9]/m);
    expect(scraped.gateway).toMatch(/^excloud_gateway_blob_cache_total\{[^}]*outcome="hit"[^}]*\} [1-9]/m);
    expect(scraped.gateway).toMatch(/^excloud_gateway_blob_cache_bytes\{[^}]*\} [1-9]/m);
    expect(scraped.gateway).toMatch(/^excloud_internal_call_duration_seconds_count\{[^}]*peer="metadata",outcome="2xx"[^}]*\} [1-9]/m);
    expect(scraped.metadata).toMatch(/^excloud_db_pool_max\{excloud_service="metadata"\} [1-9]/m);
    expect(scraped.auth).toMatch(/^excloud_db_pool_connections\{excloud_service="auth"\} \d+/m);
    for (const text of Object.values(scraped)) expect(text).toMatch(/^excloud_ready\{[^}]*\} 1$/m);
  });
});
