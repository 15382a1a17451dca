import { FilesystemBackend } from '@excloud/blob-backend';
import type { Logger } from '@excloud/service-kit';
import type { BlobConfig } from './config';

/**
 * A blob process killed mid-PUT leaves its temp file in `<root>/.tmp`; no metadata row and no
 * blob id name it, so neither the janitor's orphan sweep nor anything else would ever remove it.
 * Each blob process therefore sweeps temp files older than BLOB_TEMP_GRACE_SECONDS, at boot and
 * then a few times per grace period (so a leftover lives at most ~1.25 graces).
 */
export function startTempSweeper(config: Pick<BlobConfig, 'backend' | 'fsRoot' | 'fsync' | 'tempGraceSeconds'>, logger: Logger): { stop(): void } {
  if (config.backend !== 'fs') return { stop: () => undefined };
  // Its own handle on the same root: sweepTemp touches only `.tmp`, never live blobs.
  const fs = new FilesystemBackend({ root: config.fsRoot, fsync: config.fsync });
  const graceMs = config.tempGraceSeconds * 1000;
  const sweep = () =>
    fs.sweepTemp({ olderThanMs: graceMs }).then(
      ({ removed }) => {
        if (removed > 0) logger.info('removed temp files left by a crashed writer', { removed });
      },
      (err: Error) => logger.warn('temp file sweep failed', { err }),
    );
  void sweep();
  const timer = setInterval(() => void sweep(), Math.min(Math.max(graceMs / 4, 1_000), 600_000));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
