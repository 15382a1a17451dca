import { createLogger, envReader, installShutdown, loadConfigOrExit, tuneGarbageCollector } from '@excloud/service-kit';
import { parseJanitorConfig } from './config';
import { startJanitorService } from './service';

async function main(): Promise<void> {
  tuneGarbageCollector();
  const config = loadConfigOrExit('janitor', () => parseJanitorConfig(envReader()));
  const logger = createLogger({ service: 'janitor' }, { level: config.logLevel });
  const service = await startJanitorService(config, { logger });
  installShutdown(logger, [() => service.close()]);
}

main().catch((err) => {
  process.stderr.write(JSON.stringify({ level: 'fatal', service: 'janitor', msg: String(err?.message ?? err) }) + '\n');
  process.exit(1);
});
