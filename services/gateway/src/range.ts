import { S3Error } from '@excloud/s3-protocol';

export interface ByteRange {
  start: number;
  end: number; // inclusive
}

/**
 * `Range: bytes=a-b | a- | -n` as S3 reads it: an end past the size is clamped, an unsatisfiable
 * range is 416 with `Content-Range: bytes * /size`, and anything unparsable (or several ranges) is
 * ignored and the whole object served.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const [, a, b] = m;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0 || size === 0) throw unsatisfiable(size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Number(b);
  if (b !== '' && end < start) return undefined;
  if (start >= size) throw unsatisfiable(size);
  return { start, end: Math.min(end, size - 1) };
}

function unsatisfiable(size: number): S3Error {
  return new S3Error('InvalidRange', undefined, { RangeRequested: '', ActualObjectSize: String(size) }, {
    headers: { 'content-range': `bytes */${size}` },
  });
}
