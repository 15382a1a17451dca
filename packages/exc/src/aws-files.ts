import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * ~/.aws/config and ~/.aws/credentials, edited the way `aws configure set` does: our profile's
 * section is created or its keys updated in place; every other line (other profiles, comments,
 * other keys of our section) is kept as it was. Honours AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE like the AWS CLI.
 */
export function awsConfigPath(): string {
  return process.env.AWS_CONFIG_FILE || path.join(os.homedir(), '.aws', 'config');
}

export function awsCredentialsPath(): string {
  return process.env.AWS_SHARED_CREDENTIALS_FILE || path.join(os.homedir(), '.aws', 'credentials');
}

export function writeAwsProfile(profile: string, opts: { endpoint: string; accessKeyId: string; secretAccessKey: string }): { config: string; credentials: string } {
  const config = awsConfigPath();
  const credentials = awsCredentialsPath();
  // In the config file every profile but default is written [profile NAME]; not in credentials.
  const configSection = profile === 'default' ? 'default' : `profile ${profile}`;
  editIni(config, configSection, [
    ['region', 'auto'],
    ['endpoint_url', opts.endpoint],
  ]);
  editIni(credentials, profile, [
    ['aws_access_key_id', opts.accessKeyId],
    ['aws_secret_access_key', opts.secretAccessKey],
  ]);
  return { config, credentials };
}

function editIni(file: string, section: string, values: Array<[string, string]>): void {
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const after = upsertSection(before, section, values);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, after, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

const HEADER = /^\s*\[\s*([^\]]+?)\s*\]\s*$/;

/** Pure: the INI text with `section` holding `values` (set in place, or appended), all else untouched. */
export function upsertSection(text: string, section: string, values: Array<[string, string]>): string {
  const lines = text === '' ? [] : text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  const start = lines.findIndex((l) => HEADER.exec(l)?.[1] === section);
  if (start === -1) {
    const block = [`[${section}]`, ...values.map(([k, v]) => `${k} = ${v}`)];
    const sep = lines.length > 0 && lines[lines.length - 1]!.trim() !== '' ? [''] : [];
    return [...lines, ...sep, ...block].join('\n') + '\n';
  }
  let end = lines.findIndex((l, i) => i > start && HEADER.test(l));
  if (end === -1) end = lines.length;
  const body = lines.slice(start + 1, end);
  const pending = new Map(values);
  const updated = body.map((line) => {
    const key = /^\s*([A-Za-z0-9_.-]+)\s*=/.exec(line)?.[1];
    if (key === undefined || !pending.has(key)) return line;
    const v = pending.get(key)!;
    pending.delete(key);
    return `${key} = ${v}`;
  });
  // New keys go after the section's last non-blank line, so a blank separator stays where it was.
  let insertAt = updated.length;
  while (insertAt > 0 && updated[insertAt - 1]!.trim() === '') insertAt--;
  updated.splice(insertAt, 0, ...[...pending].map(([k, v]) => `${k} = ${v}`));
  return [...lines.slice(0, start + 1), ...updated, ...lines.slice(end)].join('\n') + '\n';
}
