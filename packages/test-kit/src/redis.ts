import Redis from 'ioredis';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** A Redis for integration tests: REDIS_URL or the local service; each test uses its own key prefix. */
export async function testRedisUrl(): Promise<string> {
  const url = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  try {
    await r.connect();
    await r.ping();
    return url;
  } finally {
    r.disconnect();
  }
}
