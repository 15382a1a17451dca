import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { createLogger } from '@excloud/service-kit';
import { UsageMeter } from './usage-meter';

/** A stand-in for metadata's POST /v1/usage that records what arrives and can be made to fail. */
async function usageEndpoint() {
  const reports: Array<{ token: string; body: { $version: number; hours: Array<Record<string, unknown>> } }> = [];
  let failing = false;
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      if (failing) {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"ServiceUnavailable","message":"down","status":503,"fields":{}}}');
        return;
      }
      reports.push({ token: String(req.headers.authorization).replace('Bearer ', ''), body: JSON.parse(data) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reports,
    fail: (v: boolean) => (failing = v),
    close: () => new Promise((r) => server.close(r)),
  };
}

const logger = createLogger({}, { level: 'error' });
const HOUR = 3_600_000;

describe('UsageMeter', () => {
  it("sends one report per org per flush, in the org's name, with counters per hour and class", async () => {
    const ep = await usageEndpoint();
    const registry = new Registry();
    const meter = new UsageMeter(ep.url, 60_000, logger, registry);
    const t = Date.UTC(2026, 0, 1, 10, 59, 59);
    meter.record('acme', 'tok-1', 'PutObject', { ingress: 1000, egress: 200 }, t);
    meter.record('acme', 'tok-2', 'GetObject', { ingress: 100, egress: 5000 }, t);
    meter.record('acme', 'tok-2', 'ListObjectsV2', { ingress: 100, egress: 300 }, t + 1000); // next hour
    meter.record('acme', 'tok-2', 'DeleteObject', { ingress: 100, egress: 200 }, t + 1000); // free, bytes still count
    meter.record('other', 'tok-o', 'HeadObject', { ingress: 50, egress: 60 }, t);
    await meter.flush();
    expect(ep.reports).toHaveLength(2);
    const acme = ep.reports.find((r) => r.token === 'tok-2')!;
    expect(acme.body).toEqual({
      $version: 1,
      hours: [
        { hour: new Date(t - (t % HOUR)).toISOString(), classA: 1, classB: 1, ingressBytes: 1100, egressBytes: 5200 },
        { hour: new Date(t + 1000).toISOString(), classA: 1, classB: 0, ingressBytes: 200, egressBytes: 500 },
      ],
    });
    await meter.flush();
    expect(ep.reports).toHaveLength(2); // nothing new, nothing sent
    // Prometheus: totals by class and direction only, never an org.
    const text = await registry.metrics();
    expect(text).toContain('excloud_gateway_metered_requests_total{class="A"} 2');
    expect(text).toContain('excloud_gateway_metered_bytes_total{direction="egress"} 5760');
    expect(text).not.toMatch(/acme|other/);
    await meter.close();
    await ep.close();
  });

  it('keeps counters through a failed flush and sends them with the next one', async () => {
    const ep = await usageEndpoint();
    const meter = new UsageMeter(ep.url, 60_000, logger, new Registry());
    const now = Date.now();
    meter.record('acme', 'tok-1', 'PutObject', { ingress: 10, egress: 1 }, now);
    ep.fail(true);
    await meter.flush();
    meter.record('acme', 'tok-2', 'PutObject', { ingress: 5, egress: 1 }, now);
    ep.fail(false);
    await meter.flush();
    expect(ep.reports).toHaveLength(1);
    expect(ep.reports[0]!.token).toBe('tok-2');
    expect(ep.reports[0]!.body.hours).toEqual([{ hour: new Date(now - (now % HOUR)).toISOString(), classA: 2, classB: 0, ingressBytes: 15, egressBytes: 2 }]);
    await meter.close();
    await ep.close();
  });
});
