import { readFileSync } from 'node:fs';

/** What the e2e tests need to reach a running stack; written by global-setup or given by env. */
export interface StackInfo {
  endpoint: string; // http://127.0.0.1:PORT
  port: number;
  baseDomain: string;
  orgId: string;
  accessKeyId: string;
  secretAccessKey: string;
  other: { orgId: string; accessKeyId: string; secretAccessKey: string };
  dataDir?: string;
  databaseUrl?: string;
  /** The control API and its operator token (E2E_CONTROL_URL / E2E_ADMIN_TOKEN for a running stack). */
  controlUrl?: string;
  adminToken?: string;
}

export const STATE_ENV = 'EXCLOUD_E2E_STATE';

export function stack(): StackInfo {
  const file = process.env[STATE_ENV];
  if (!file) throw new Error(`${STATE_ENV} is not set: run the e2e suite through jest (global-setup starts the stack)`);
  return JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
}
