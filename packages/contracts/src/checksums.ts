/**
 * The S3 checksum vocabulary, defined once: the algorithms, the header that carries each
 * (`x-amz-checksum-crc32`), and the XML element that names it (`ChecksumCRC32`).
 */
export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;

export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** Base64 values, as S3 shows them, per algorithm. */
export type Checksums = Partial<Record<ChecksumAlgorithm, string>>;

export type ChecksumHeaderName = `x-amz-checksum-${Lowercase<ChecksumAlgorithm>}`;
export type ChecksumXmlName = `Checksum${ChecksumAlgorithm}`;

export function isChecksumAlgorithm(value: string): value is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(value);
}

/** 'crc32c' / 'CRC32C' → 'CRC32C'; anything else → undefined. */
export function checksumAlgorithmOf(value: string): ChecksumAlgorithm | undefined {
  const upper = value.trim().toUpperCase();
  return isChecksumAlgorithm(upper) ? upper : undefined;
}

export function checksumHeaderName(alg: ChecksumAlgorithm): ChecksumHeaderName {
  return `x-amz-checksum-${alg.toLowerCase() as Lowercase<ChecksumAlgorithm>}`;
}

export function checksumXmlName(alg: ChecksumAlgorithm): ChecksumXmlName {
  return `Checksum${alg}`;
}

/** 'x-amz-checksum-crc32' → 'CRC32'; any other header (x-amz-checksum-type included) → null. */
export function checksumAlgorithmFromHeader(name: string): ChecksumAlgorithm | null {
  const lower = name.trim().toLowerCase();
  if (!lower.startsWith('x-amz-checksum-')) return null;
  const alg = lower.slice('x-amz-checksum-'.length).toUpperCase();
  return isChecksumAlgorithm(alg) ? alg : null;
}

/** Checksums as response headers (`x-amz-checksum-crc32: …`). */
export function checksumHeaders(checksums: Checksums): Partial<Record<ChecksumHeaderName, string>> {
  const out: Partial<Record<ChecksumHeaderName, string>> = {};
  for (const alg of CHECKSUM_ALGORITHMS) {
    const value = checksums[alg];
    if (value !== undefined) out[checksumHeaderName(alg)] = value;
  }
  return out;
}

/** Checksums as XML fields (`<ChecksumCRC32>…</ChecksumCRC32>`), in the algorithms' order. */
export function checksumXmlFields(checksums: Checksums): Partial<Record<ChecksumXmlName, string>> {
  const out: Partial<Record<ChecksumXmlName, string>> = {};
  for (const alg of CHECKSUM_ALGORITHMS) {
    const value = checksums[alg];
    if (value !== undefined) out[checksumXmlName(alg)] = value;
  }
  return out;
}

/** The inverse of checksumXmlFields, for request documents (trimmed string values only). */
export function checksumsFromXmlFields(node: Record<string, unknown>): Checksums {
  const out: Checksums = {};
  for (const alg of CHECKSUM_ALGORITHMS) {
    const value = node[checksumXmlName(alg)];
    if (typeof value === 'string') out[alg] = value.trim();
  }
  return out;
}
