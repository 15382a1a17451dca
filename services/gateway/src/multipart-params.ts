import type { IncomingMessage } from 'node:http';
import { checksumAlgorithmOf, type ChecksumAlgorithm } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { header } from '@excloud/contracts';

export const MAX_PART_BYTES = 5 * 1024 ** 3;

export function checksumAlgorithmHeader(req: IncomingMessage, name: string): ChecksumAlgorithm | undefined {
  const raw = header(req, name);
  if (raw === undefined) return undefined;
  const alg = checksumAlgorithmOf(raw);
  if (!alg) throw new S3Error('InvalidRequest', 'Value for x-amz-checksum-algorithm header is invalid.');
  return alg;
}

export function checksumTypeHeader(req: IncomingMessage): 'COMPOSITE' | 'FULL_OBJECT' | undefined {
  const raw = header(req, 'x-amz-checksum-type')?.toUpperCase();
  if (raw === undefined) return undefined;
  if (raw !== 'COMPOSITE' && raw !== 'FULL_OBJECT') throw new S3Error('InvalidRequest', 'Value for x-amz-checksum-type header is invalid.');
  return raw;
}
