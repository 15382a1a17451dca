import path from 'node:path';
import type { Pool } from 'pg';
import { runMigrations } from '@excloud/service-kit';

export const METADATA_MIGRATIONS_DIR = path.resolve(__dirname, '../migrations');

export function migrateMetadata(pool: Pool): Promise<string[]> {
  return runMigrations(pool, { service: 'metadata', dir: METADATA_MIGRATIONS_DIR });
}
