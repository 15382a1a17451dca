import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError, EXIT } from './errors';

/**
 * exc's own state, ~/.config/exc/config.json (mode 0600: it holds an org API token). Several
 * profiles can live side by side; EXC_PROFILE picks one (default "default").
 */
export interface Profile {
  endpoint: string;
  token: string;
  org_id: string;
  /** Secrets of keys this CLI created and has not yet written into an AWS profile. */
  key_secrets?: Record<string, string>;
}

interface ConfigFile {
  profiles: Record<string, Profile>;
}

export const configPath = () => process.env.EXC_CONFIG ?? path.join(os.homedir(), '.config', 'exc', 'config.json');
export const profileName = () => process.env.EXC_PROFILE || 'default';

function load(): ConfigFile {
  const file = configPath();
  if (!existsSync(file)) return { profiles: {} };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as ConfigFile;
    return { profiles: parsed.profiles ?? {} };
  } catch {
    throw new CliError(`${file} is not valid JSON: fix or delete it, then run exc login again`, EXIT.usage);
  }
}

function save(config: ConfigFile): void {
  const file = configPath();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  // The mode above applies only to new files; make sure an older file is not left readable.
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function currentProfile(): Profile {
  const p = load().profiles[profileName()];
  if (!p) throw new CliError(`not logged in (profile ${profileName()}): run exc login --endpoint URL --token TOKEN`, EXIT.auth);
  return p;
}

export function saveProfile(profile: Profile): void {
  const config = load();
  const previous = config.profiles[profileName()];
  // Logging in again to the same org keeps secrets of keys not yet configured.
  const keep = previous && previous.org_id === profile.org_id ? previous.key_secrets : undefined;
  config.profiles[profileName()] = { ...profile, ...(keep ? { key_secrets: keep } : {}) };
  save(config);
}

export function rememberKeySecret(accessKeyId: string, secret: string | undefined): void {
  const config = load();
  const p = config.profiles[profileName()];
  if (!p) return;
  const secrets = { ...p.key_secrets };
  if (secret === undefined) delete secrets[accessKeyId];
  else secrets[accessKeyId] = secret;
  p.key_secrets = secrets;
  save(config);
}
