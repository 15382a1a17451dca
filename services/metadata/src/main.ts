import { createLogger, envReader, installShutdown, loadConfigOrExit, tuneGarbageCollector } from '@excloud/service-kit';
import { parseMetadataConfig } from './config';
import { startMetadataService } from './service';

async function main(): Promise<void> {
  tuneGarbageCollector();
  const config = loadConfigOrExit('metadata', () => parseMetadataConfig(envReader()));
  const logger = createLogger({ service: 'metadata' }, { level: config.logLevel });
  const service = await startMetadataService(config, { logger });
  installShutdown(logger, [() => service.close()]);
}

// An UnmigratedDatabaseError lands here too: its message says to run `pnpm migrate`.
main().catch((err) => {
  process.stderr.write(JSON.stringify({ level: 'fatal', service: 'metadata', msg: String(err?.message ?? err) }) + '\n');
  process.exit(1);
});
