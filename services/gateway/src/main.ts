import { createLogger, envReader, installShutdown, loadConfigOrExit, tuneGarbageCollector } from '@excloud/service-kit';
import { parseGatewayConfig } from './config';
import { startGatewayService } from './service';

async function main(): Promise<void> {
  tuneGarbageCollector();
  const config = loadConfigOrExit('gateway', () => parseGatewayConfig(envReader()));
  const logger = createLogger({ service: 'gateway' }, { level: config.logLevel });
  const service = await startGatewayService(config, { logger });
  installShutdown(logger, [() => service.close()]);
}

main().catch((err) => {
  process.stderr.write(JSON.stringify({ level: 'fatal', service: 'gateway', msg: String(err?.message ?? err) }) + '\n');
  process.exit(1);
});
