import type { Probe } from './cell-runner';
import { adminQuery, type BenchDatabase } from './infra';
import type { LocalInstance } from './local-mode';
import type { NginxInstance } from './nginx';
import type { RgwInstance } from './rgw';
import { SERVICES, type Stack } from './stack';

/** Processes of our production stack (and the Postgres backends serving it), auth calls, commits. */
export function stackProbe(stack: () => Stack, db: BenchDatabase): Probe {
  return {
    groups: async () => {
      const s = stack();
      const groups: Record<string, number[]> = Object.fromEntries(SERVICES.map((n) => [n, [s.pidOf(n)]]));
      groups.postgres = await backendsOf(db);
      return groups;
    },
    authCalls: () => authRequests(`http://127.0.0.1:${stack().config.ports.auth}`),
    pgCommits: () => commitsOf(db),
  };
}

/** Local mode: its whole process tree, the backends of its own database, its auth's counter. */
export function localProbe(local: () => LocalInstance, db: BenchDatabase): Probe {
  return {
    groups: async () => ({ ...local().groups(), postgres: await backendsOf(db) }),
    authCalls: () => {
      const url = local().authUrl;
      return url ? authRequests(url) : Promise.reject(new Error('local mode wrote no AUTH_URL'));
    },
    pgCommits: () => commitsOf(db),
  };
}

export function rgwProbe(rgw: () => RgwInstance | undefined): Probe {
  return { groups: async () => rgw()?.groups() ?? {} };
}

export function nginxProbe(nginx: () => NginxInstance | undefined): Probe {
  return { groups: async () => ({ nginx: nginx()?.pids() ?? [] }) };
}

/** Requests auth has served, summed over every route and status (auth's own /metrics). */
export async function authRequests(authUrl: string): Promise<number> {
  const text = await (await fetch(`${authUrl}/metrics`)).text();
  let total = 0;
  for (const m of text.matchAll(/^excloud_http_requests_total\{[^}]*\} (\d+(?:\.\d+)?)$/gm)) total += Number(m[1]);
  return total;
}

async function backendsOf(db: BenchDatabase): Promise<number[]> {
  const rows = await adminQuery<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [db.name]).catch(() => []);
  return rows.map((r) => Number(r.pid));
}

async function commitsOf(db: BenchDatabase): Promise<number> {
  const rows = await adminQuery<{ n: string }>('SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = $1', [db.name]);
  return Number(rows[0]?.n ?? 0);
}
