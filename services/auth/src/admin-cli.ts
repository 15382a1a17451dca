/**
 * `pnpm admin <command>`: org and key management through the auth service's admin API.
 * Talks to AUTH_URL with AUTH_ADMIN_TOKEN; in local mode both are read from ./.data.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { generateTokenKey } from './tokens';

const USAGE = `usage: pnpm admin <command>
  create-org <org-id> [name]     create an org (tenant)
  list-orgs                      list every org
  suspend-org <org-id>           refuse the org's keys and API tokens (its data stays)
  resume-org <org-id>
  create-org-token <org-id> [name]  an org API token for the control API and \`exc login\`; printed once
  usage <org-id>                 what the org stores, per bucket and in total, and its quotas
  set-quotas <org-id> <json>     e.g. '{"max_bytes":1048576,"max_objects":null}' (null lifts a limit)
  create-key <org-id>            create an access key; prints the secret once
  list-keys <org-id>             list an org's access keys
  disable-key <access-key-id>    stop a key from signing (reversible with enable-key)
  enable-key <access-key-id>
  delete-key <access-key-id>     delete a key for good
  generate-token-key             print a new AUTH_TOKEN_PRIVATE_JWK value
env: AUTH_URL, AUTH_ADMIN_TOKEN (local mode: read from EXCLOUD_DATA_DIR, default ./.data)`;

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return print(USAGE);
  if (command === 'generate-token-key') return print(await generateTokenKey());
  const need = (i: number, what: string) => args[i] ?? fail(`missing ${what}\n${USAGE}`);
  const api = adminApi();
  switch (command) {
    case 'create-org':
      return print(await api('POST', '/orgs', { id: need(0, 'org id'), name: args[1] }));
    case 'list-orgs':
      return print(await api('GET', '/orgs'));
    case 'suspend-org':
    case 'resume-org':
      return print(await api('POST', `/orgs/${encodeURIComponent(need(0, 'org id'))}/${command === 'suspend-org' ? 'suspend' : 'resume'}`));
    case 'create-org-token':
      return print(await api('POST', `/orgs/${encodeURIComponent(need(0, 'org id'))}/tokens`, args[1] ? { name: args[1] } : {}));
    case 'set-quotas': {
      const json = need(1, 'quota JSON');
      let body: unknown;
      try {
        body = JSON.parse(json);
      } catch {
        fail(`not JSON: ${json}`);
      }
      return print(await api('PUT', `/orgs/${encodeURIComponent(need(0, 'org id'))}/quotas`, body));
    }
    case 'usage':
      return print(await api('GET', `/orgs/${encodeURIComponent(need(0, 'org id'))}/usage`));
    case 'create-key':
      return print(await api('POST', `/orgs/${encodeURIComponent(need(0, 'org id'))}/keys`));
    case 'list-keys':
      return print(await api('GET', `/orgs/${encodeURIComponent(need(0, 'org id'))}/keys`));
    case 'disable-key':
    case 'enable-key':
      await api('PATCH', `/keys/${encodeURIComponent(need(0, 'access key id'))}`, { status: command === 'enable-key' ? 'active' : 'inactive' });
      return print({ ok: true });
    case 'delete-key':
      await api('DELETE', `/keys/${encodeURIComponent(need(0, 'access key id'))}`);
      return print({ ok: true });
    default:
      fail(USAGE);
  }
}

function adminApi() {
  const dataDir = path.resolve(process.env.EXCLOUD_DATA_DIR ?? '.data');
  const local = (file: string) => {
    const p = path.join(dataDir, file);
    return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : {};
  };
  const url = process.env.AUTH_URL ?? local('local-runtime.json').AUTH_URL ?? fail('AUTH_URL is not set (and no local mode runtime in .data)');
  const token = process.env.AUTH_ADMIN_TOKEN ?? local('local-secrets.json').authAdminToken ?? fail('AUTH_ADMIN_TOKEN is not set');
  return async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${url}/v1/admin${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).catch((err: Error) => fail(`cannot reach auth at ${url}: ${err.message}`));
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!res.ok) fail(`${res.status} ${parsed?.error?.code ?? ''}: ${parsed?.error?.message ?? text}`);
    return parsed;
  };
}

function print(value: unknown): void {
  process.stdout.write((typeof value === 'string' ? value : JSON.stringify(value, null, 2)) + '\n');
}

function fail(message: string): never {
  process.stderr.write(message + '\n');
  process.exit(2);
}

main(process.argv.slice(2)).catch((err) => fail(String(err?.message ?? err)));
