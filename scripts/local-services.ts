/**
 * The services local mode runs, started from the same environment variables each service reads in
 * production (its parse*Config), whether they share local mode's process or each has its own.
 */
import { envReader, type Logger } from '@excloud/service-kit';

export const SERVICES = ['auth', 'metadata', 'blob', 'janitor', 'gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];
export type ServiceEnv = Record<string, string | undefined>;

export interface RunningService {
  port: number;
  /** The gateway's health and metrics port. */
  opsPort?: number;
  close(): Promise<void>;
}

export function isServiceName(name: unknown): name is ServiceName {
  return (SERVICES as readonly unknown[]).includes(name);
}

/** Each service's code is loaded only where it runs: a service's own process loads just its own. */
export async function startService(name: ServiceName, env: ServiceEnv, logger: Logger): Promise<RunningService> {
  const read = envReader(env);
  switch (name) {
    case 'auth': {
      const { parseAuthConfig, startAuthService } = await import('@excloud/auth');
      return startAuthService(parseAuthConfig(read), { logger });
    }
    case 'metadata': {
      const { parseMetadataConfig, startMetadataService } = await import('@excloud/metadata');
      return startMetadataService(parseMetadataConfig(read), { logger });
    }
    case 'blob': {
      const { parseBlobConfig, startBlobService } = await import('@excloud/blob');
      return startBlobService(parseBlobConfig(read), { logger });
    }
    case 'janitor': {
      const { parseJanitorConfig, startJanitorService } = await import('@excloud/janitor');
      return startJanitorService(parseJanitorConfig(read), { logger });
    }
    case 'gateway': {
      const { parseGatewayConfig, startGatewayService } = await import('@excloud/gateway');
      const gateway = await startGatewayService(parseGatewayConfig(read), { logger });
      return { port: gateway.port, opsPort: gateway.opsPort, close: () => gateway.close() };
    }
  }
}
