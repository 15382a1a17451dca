import type { IncomingMessage } from 'node:http';
import type { ChecksumAlgorithm } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { header } from './upload-body';

export const MAX_PART_BYTES = 5 * 1024 ** 3;

const ALGORITHMS: ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

export function checksumAlgorithmHeader(req: IncomingMessage, name: string): ChecksumAlgorithm | undefined {
  const raw = header(req, name)?.toUpperCase();
  if (raw === undefined) return undefined;
  if (!ALGORITHMS.includes(raw as ChecksumAlgorithm)) {
    throw new S3Error('InvalidRequest', 'Value for x-amz-checksum-algorithm header is invalid.');
  }
  return raw as ChecksumAlgorithm;
}

export function checksumTypeHeader(req: IncomingMessage): 'COMPOSITE' | 'FULL_OBJECT' | undefined {
  const raw = header(req, 'x-amz-checksum-type')?.toUpperCase();
  if (raw === undefined) return undefined;
  if (raw !== 'COMPOSITE' && raw !== 'FULL_OBJECT') throw new S3Error('InvalidRequest', 'Value for x-amz-checksum-type header is invalid.');
  return raw;
}
