import { createLogger, envReader, installShutdown, loadConfigOrExit, tuneGarbageCollector, UnmigratedDatabaseError } from '@excloud/service-kit';
import { parseAuthConfig } from './config';
import { startAuthService } from './service';

async function main(): Promise<void> {
  tuneGarbageCollector();
  const config = loadConfigOrExit('auth', () => parseAuthConfig(envReader()));
  const logger = createLogger({ service: 'auth' }, { level: config.logLevel });
  const service = await startAuthService(config, { logger });
  installShutdown(logger, [() => service.close()]);
}

main().catch((err) => {
  const msg = err instanceof UnmigratedDatabaseError ? err.message : String(err?.stack ?? err);
  process.stderr.write(JSON.stringify({ level: 'fatal', service: 'auth', msg }) + '\n');
  process.exit(1);
});
