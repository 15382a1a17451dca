import type { LocalStack } from './local-stack';

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as { __excloudStack?: LocalStack };
  await g.__excloudStack?.stop();
}
