import { ControlApi, parseEndpoint } from './api';
import type { ParsedArgs } from './args';
import { writeAwsProfile } from './aws-files';
import { currentProfile, rememberKeySecret, saveProfile } from './config';
import { CliError, EXIT, usageError } from './errors';
import { promptHidden, readStdin } from './input';
import { formatBytes, table } from './output';

/** One `exc` command: its place in the tree, its help, its flags, and what it does. */
export interface Command {
  path: string[];
  args: string;
  summary: string;
  details?: string;
  values?: string[];
  booleans?: string[];
  /** Returns the JSON result (printed with --json) and a human rendering of it. */
  run(a: ParsedArgs): Promise<{ json: unknown; text: string }>;
}

interface Key {
  access_key_id: string;
  name: string | null;
  status: string;
  created_at: string;
  secret_access_key?: string;
}
interface Bucket {
  name: string;
  is_public: boolean;
  versioning: string;
  created_at: string;
}
interface Quotas {
  max_bytes: number | null;
  max_objects: number | null;
  max_buckets: number | null;
  max_object_bytes: number | null;
}
interface Usage {
  org_id: string;
  total: { buckets: number; objects: number; bytes: number };
  buckets: Array<{ name: string; objects: number; bytes: number }>;
  quotas: Quotas;
}
interface Hour {
  hour: string;
  average_bytes: number;
  objects: number;
  class_a_requests: number;
  class_b_requests: number;
  ingress_bytes: number;
  egress_bytes: number;
}
interface Me {
  id: string;
  name: string;
  status: string;
  s3_endpoint: string;
  usage: Usage['total'];
  quotas: Quotas;
}

const api = () => {
  const p = currentProfile();
  return new ControlApi(p.endpoint, p.token);
};
const enc = encodeURIComponent;

function one(a: ParsedArgs, what: string): string {
  if (a.positionals.length === 0) throw usageError(`missing ${what}`);
  if (a.positionals.length > 1) throw usageError(`unexpected argument ${JSON.stringify(a.positionals[1])}`);
  return a.positionals[0]!;
}
function none(a: ParsedArgs): void {
  if (a.positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(a.positionals[0])}`);
}
/** Checked here too so a typo fails before any request, with the same wording as the API. */
function keyId(a: ParsedArgs): string {
  const id = one(a, 'access key id (AKIA…)');
  if (!/^AK[A-Z2-7]{18}$/.test(id)) throw usageError(`malformed access key id ${JSON.stringify(id)} (expected AKIA followed by 16 characters)`);
  return id;
}

const keysTable = (keys: Key[]) =>
  keys.length === 0 ? 'no access keys' : table(['ACCESS KEY ID', 'NAME', 'STATUS', 'CREATED'], keys.map((k) => [k.access_key_id, k.name ?? '', k.status, k.created_at]));

export const COMMANDS: Command[] = [
  {
    path: ['login'],
    args: '--endpoint URL --token TOKEN',
    summary: 'save the control API endpoint and an org API token (checked against the API)',
    details: 'Stored in ~/.config/exc/config.json (mode 0600); EXC_PROFILE names the profile (default "default").',
    values: ['endpoint', 'token'],
    async run(a) {
      none(a);
      const endpoint = parseEndpoint(String(a.flags.endpoint ?? throwUsage('--endpoint is required')));
      const token = String(a.flags.token ?? throwUsage('--token is required'));
      if (!/^exc_[A-Za-z0-9_-]{20,100}$/.test(token)) throw usageError('malformed token: org API tokens look like exc_… (pnpm admin create-org-token ORG)');
      const me = await new ControlApi(endpoint, token).call<Me>('GET', '/v1/orgs/me');
      saveProfile({ endpoint, token, org_id: me.id });
      return { json: { endpoint, org_id: me.id }, text: `logged in to org ${me.id} at ${endpoint}` };
    },
  },
  {
    path: ['me'],
    args: '',
    summary: 'show your org: id, S3 endpoint, usage and quotas',
    async run(a) {
      none(a);
      const me = await api().call<Me>('GET', '/v1/orgs/me');
      const q = me.quotas;
      const limits = [
        q.max_bytes !== null ? `storage ${formatBytes(q.max_bytes)}` : '',
        q.max_objects !== null ? `${q.max_objects} objects` : '',
        q.max_buckets !== null ? `${q.max_buckets} buckets` : '',
        q.max_object_bytes !== null ? `objects up to ${formatBytes(q.max_object_bytes)}` : '',
      ].filter(Boolean);
      const quotas = limits.length ? limits.join(', ') : 'none';
      return {
        json: me,
        text: [
          `org id       ${me.id}${me.status === 'active' ? '' : ` (${me.status})`}`,
          `name         ${me.name}`,
          `s3 endpoint  ${me.s3_endpoint}`,
          `usage        ${formatBytes(me.usage.bytes)} in ${me.usage.objects} objects, ${me.usage.buckets} buckets`,
          `quotas       ${quotas}`,
        ].join('\n'),
      };
    },
  },
  {
    path: ['buckets', 'list'],
    args: '',
    summary: "list your org's buckets",
    async run(a) {
      none(a);
      const { buckets } = await api().call<{ buckets: Bucket[] }>('GET', '/v1/orgs/me/buckets');
      return {
        json: buckets,
        text: buckets.length === 0 ? 'no buckets' : table(['NAME', 'PUBLIC', 'VERSIONING', 'CREATED'], buckets.map((b) => [b.name, String(b.is_public), b.versioning, b.created_at])),
      };
    },
  },
  {
    path: ['buckets', 'create'],
    args: 'NAME [--public]',
    summary: 'create a bucket; --public lets anyone read its objects (is_public, ACL public-read)',
    booleans: ['public'],
    async run(a) {
      const b = await api().call<Bucket>('POST', '/v1/orgs/me/buckets', { name: one(a, 'bucket name'), is_public: a.flags.public === true });
      return { json: b, text: `created bucket ${b.name}${b.is_public ? ' (public)' : ''}` };
    },
  },
  {
    path: ['buckets', 'update'],
    args: 'NAME --public=true|false',
    summary: 'make a bucket public or private',
    booleans: ['public'],
    async run(a) {
      const name = one(a, 'bucket name');
      if (typeof a.flags.public !== 'boolean') throw usageError('nothing to update: pass --public=true or --public=false');
      const b = await api().call<Bucket>('PATCH', `/v1/orgs/me/buckets/${enc(name)}`, { is_public: a.flags.public });
      return { json: b, text: `bucket ${b.name} is now ${b.is_public ? 'public' : 'private'}` };
    },
  },
  {
    path: ['buckets', 'delete'],
    args: 'NAME',
    summary: 'delete an empty bucket',
    async run(a) {
      const name = one(a, 'bucket name');
      await api().call('DELETE', `/v1/orgs/me/buckets/${enc(name)}`);
      return { json: { deleted: name }, text: `deleted bucket ${name}` };
    },
  },
  {
    path: ['buckets', 'usage'],
    args: '',
    summary: 'bytes and objects stored (every version counts), per bucket and in total; --hourly: metered usage per hour',
    details: '--hourly [--from ISO] [--to ISO] lists billing hours (default: the last 24 hours): average bytes, requests, transfer.',
    booleans: ['hourly'],
    values: ['from', 'to'],
    async run(a) {
      none(a);
      if (a.flags.hourly === true) {
        const q = new URLSearchParams();
        if (a.flags.from !== undefined) q.set('from', String(a.flags.from));
        if (a.flags.to !== undefined) q.set('to', String(a.flags.to));
        const h = await api().call<{ hours: Hour[] }>('GET', `/v1/orgs/me/usage/hourly${q.size ? `?${q}` : ''}`);
        const rows = h.hours.map((x) => [x.hour, String(x.average_bytes), String(x.objects), String(x.class_a_requests), String(x.class_b_requests), String(x.ingress_bytes), String(x.egress_bytes)]);
        return { json: h, text: rows.length ? table(['HOUR', 'AVG BYTES', 'OBJECTS', 'CLASS A', 'CLASS B', 'INGRESS', 'EGRESS'], rows) : 'no metered hours in that range' };
      }
      const u = await api().call<Usage>('GET', '/v1/orgs/me/usage');
      const rows = u.buckets.map((b) => [b.name, String(b.objects), String(b.bytes), formatBytes(b.bytes)]);
      rows.push(['TOTAL', String(u.total.objects), String(u.total.bytes), formatBytes(u.total.bytes)]);
      return { json: u, text: table(['BUCKET', 'OBJECTS', 'BYTES', 'SIZE'], rows) };
    },
  },
  {
    path: ['buckets', 'keys', 'create'],
    args: '[--name NAME]',
    summary: 'create an access key; the secret is shown once (and kept for `keys configure`)',
    values: ['name'],
    async run(a) {
      none(a);
      const k = await api().call<Key>('POST', '/v1/orgs/me/keys', a.flags.name !== undefined ? { name: a.flags.name } : {});
      rememberKeySecret(k.access_key_id, k.secret_access_key);
      return {
        json: k,
        text: [
          `access key id     ${k.access_key_id}`,
          `secret access key ${k.secret_access_key}`,
          '',
          'The secret is shown only now. To use it with the aws cli:',
          `  exc buckets keys configure ${k.access_key_id} --profile excloud`,
        ].join('\n'),
      };
    },
  },
  {
    path: ['buckets', 'keys', 'list'],
    args: '',
    summary: "list your org's access keys (never their secrets)",
    async run(a) {
      none(a);
      const { keys } = await api().call<{ keys: Key[] }>('GET', '/v1/orgs/me/keys');
      return { json: keys, text: keysTable(keys) };
    },
  },
  ...(['disable', 'enable'] as const).map(
    (verb): Command => ({
      path: ['buckets', 'keys', verb],
      args: 'AKIA…',
      summary: verb === 'disable' ? 'stop a key from signing requests (reversible)' : 'let a disabled key sign requests again',
      async run(a) {
        const id = keyId(a);
        const k = await api().call<Key>('PATCH', `/v1/orgs/me/keys/${enc(id)}`, { status: verb === 'disable' ? 'inactive' : 'active' });
        return { json: k, text: `${id} is ${k.status}` };
      },
    }),
  ),
  {
    path: ['buckets', 'keys', 'delete'],
    args: 'AKIA…',
    summary: 'delete a key for good: requests signed with it get 403',
    async run(a) {
      const id = keyId(a);
      await api().call('DELETE', `/v1/orgs/me/keys/${enc(id)}`);
      rememberKeySecret(id, undefined);
      return { json: { deleted: id }, text: `deleted ${id}` };
    },
  },
  {
    path: ['buckets', 'keys', 'configure'],
    args: 'AKIA… [--profile excloud] [--secret-key-stdin] [--endpoint-url URL]',
    summary: 'write an aws cli profile (~/.aws/config and ~/.aws/credentials) for a key',
    details:
      'The secret comes from --secret-key-stdin, else from this CLI\'s record of a key it created, else a hidden prompt.\n' +
      'The endpoint is your org\'s S3 endpoint (exc me) unless --endpoint-url says otherwise. Other profiles are kept.',
    values: ['profile', 'endpoint-url'],
    booleans: ['secret-key-stdin'],
    async run(a) {
      const id = keyId(a);
      const profile = String(a.flags.profile ?? 'excloud');
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(profile)) throw usageError(`malformed profile name ${JSON.stringify(profile)}`);
      const client = api();
      const [{ keys }, me] = await Promise.all([client.call<{ keys: Key[] }>('GET', '/v1/orgs/me/keys'), client.call<Me>('GET', '/v1/orgs/me')]);
      const key = keys.find((k) => k.access_key_id === id);
      if (!key) throw new CliError(`access key ${id} does not exist in org ${me.id}`, EXIT.refused, 'not_found');
      const endpoint = a.flags['endpoint-url'] !== undefined ? parseEndpoint(String(a.flags['endpoint-url'])) : me.s3_endpoint;
      const recorded = currentProfile().key_secrets?.[id];
      const secret = a.flags['secret-key-stdin'] === true ? await readStdin() : (recorded ?? (await promptHidden(`secret access key for ${id}: `)));
      if (!/^[A-Za-z0-9+/]{40}$/.test(secret)) throw usageError('that is not a secret access key (40 characters of A-Z, a-z, 0-9, + and /)');
      const files = writeAwsProfile(profile, { endpoint, accessKeyId: id, secretAccessKey: secret });
      // The secret now lives in the AWS credentials file; exc need not keep its own copy.
      if (recorded) rememberKeySecret(id, undefined);
      const warn = key.status === 'active' ? '' : `\nnote: ${id} is ${key.status}: enable it with exc buckets keys enable ${id}`;
      return {
        json: { profile, access_key_id: id, endpoint_url: endpoint, config_file: files.config, credentials_file: files.credentials },
        text: `wrote profile ${profile} (${files.config}, ${files.credentials})\ntry: aws --profile ${profile} s3 ls${warn}`,
      };
    },
  },
];

function throwUsage(message: string): never {
  throw usageError(message);
}
