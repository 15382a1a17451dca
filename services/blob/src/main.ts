import { createLogger, envReader, installShutdown, loadConfigOrExit, tuneGarbageCollector } from '@excloud/service-kit';
import { parseBlobConfig } from './config';
import { startBlobService } from './service';
import { startTempSweeper } from './temp-sweep';

async function main(): Promise<void> {
  tuneGarbageCollector();
  const config = loadConfigOrExit('blob', () => parseBlobConfig(envReader()));
  const logger = createLogger({ service: 'blob' }, { level: config.logLevel });
  const service = await startBlobService(config, { logger });
  const sweeper = startTempSweeper(config, logger);
  installShutdown(logger, [async () => sweeper.stop(), () => service.close()]);
}

main().catch((err) => {
  process.stderr.write(JSON.stringify({ level: 'fatal', service: 'blob', msg: String(err?.message ?? err) }) + '\n');
  process.exit(1);
});
