/** `pnpm migrate`: apply every service's migrations to DATABASE_URL (also run by the Helm job). */
import { createPool, envReader, loadConfigOrExit } from '@excloud/service-kit';
import { migrateAuth } from '@excloud/auth';
import { migrateMetadata } from '@excloud/metadata';

async function main(): Promise<void> {
  const { databaseUrl } = loadConfigOrExit('migrate', () => ({ databaseUrl: envReader().str('DATABASE_URL') }));
  const pool = createPool({ connectionString: databaseUrl, applicationName: 'excloud-migrate' });
  try {
    const applied = [...(await migrateAuth(pool)), ...(await migrateMetadata(pool))];
    process.stdout.write(applied.length ? `applied:\n  ${applied.join('\n  ')}\n` : 'database is up to date\n');
  } finally {
    await pool.end();
  }
}

main().catch((err) => {
  process.stderr.write(`migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
