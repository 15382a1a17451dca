import { execFile } from 'node:child_process';
import path from 'node:path';
import { stack } from './stack';

/** The control API (operator and org scope) and the `exc` CLI, for the control-plane e2e tests. */

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export async function control<T = any>(method: string, route: string, token: string | undefined, body?: unknown): Promise<ApiResponse<T>> {
  const s = stack();
  if (!s.controlUrl) throw new Error('the stack has no control API URL (set E2E_CONTROL_URL and E2E_ADMIN_TOKEN)');
  const res = await fetch(s.controlUrl + route, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export const operator = <T = any>(method: string, route: string, body?: unknown) => control<T>(method, `/v1/admin${route}`, stack().adminToken, body);

let orgs = 0;
/** A fresh org and an org API token for it, made the way an operator does. */
export async function freshOrg(label: string): Promise<{ orgId: string; token: string }> {
  orgs += 1;
  const orgId = `${label}-${process.pid}-${orgs}`.toLowerCase().slice(0, 63);
  const created = await operator('POST', '/orgs', { id: orgId });
  if (created.status !== 201) throw new Error(`create org: ${created.status} ${JSON.stringify(created.body)}`);
  const token = await operator('POST', `/orgs/${orgId}/tokens`, { name: 'e2e' });
  if (token.status !== 201) throw new Error(`create token: ${token.status} ${JSON.stringify(token.body)}`);
  return { orgId, token: token.body.token };
}

const EXC_BIN = path.resolve(__dirname, '../../packages/exc/bin/exc.js');

/** Runs the real `exc` bin with its own HOME; never throws: the exit code is part of the result. */
export function exc(args: string[], opts: { home: string; stdin?: string; env?: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [EXC_BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: opts.home, ...opts.env }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(opts.stdin ?? '');
  });
}

/** Polls until `check` is true or the deadline passes (revocation is bounded by the gateway's cache TTL). */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}
