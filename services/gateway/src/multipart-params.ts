import type { IncomingMessage } from 'node:http';
import type { ChecksumAlgorithm } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { header } from './upload-body';

export const MAX_PART_NUMBER = 10_000;
export const MAX_PART_BYTES = 5 * 1024 ** 3;

/** `partNumber` as S3 accepts it: an integer 1..10000. */
export function parsePartNumber(raw: string | null): number {
  if (raw === null || !/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PART_NUMBER) {
    throw new S3Error('InvalidArgument', `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, { ArgumentName: 'partNumber', ArgumentValue: raw ?? '' });
  }
  return Number(raw);
}

export function uploadIdOf(query: URLSearchParams): string {
  const id = query.get('uploadId');
  // Ids are ours and URL-safe; anything else cannot name an upload.
  if (!id || !/^[A-Za-z0-9_-]{1,128}$/.test(id)) throw new S3Error('NoSuchUpload', undefined, { UploadId: id ?? '' });
  return id;
}

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
