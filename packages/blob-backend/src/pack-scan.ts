import type { FileHandle } from 'node:fs/promises';
import { crcMatches, HEADER_BYTES, parseHeader, recordBytes, type RecordHeader } from './pack-record';

export interface ScannedRecord {
  offset: number;
  header: RecordHeader;
  id: string;
  /** The whole record (header, id, data); only valid until the next iteration. */
  bytes: Buffer;
}

const CHUNK = 1024 * 1024;

/**
 * Reads a segment's records in order, `CHUNK` bytes at a time. Stops at the first record that is
 * short or fails its CRC and reports where the good prefix ends (`end` of the returned value):
 * everything after it is a torn write and must never be served.
 */
export async function* scanSegment(fh: FileHandle, size: number): AsyncGenerator<ScannedRecord, { end: number }> {
  let buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, HEADER_BYTES)));
  let bufStart = 0; // segment offset of buf[0]
  let filled = 0;
  let offset = 0;
  const fill = async (need: number): Promise<boolean> => {
    // Make buf hold [offset, offset + need) if the segment has those bytes.
    if (offset + need > size) return false;
    if (offset >= bufStart && offset + need <= bufStart + filled) return true;
    const keep = Math.max(0, bufStart + filled - offset);
    const target = need > buf.length ? Buffer.allocUnsafe(Math.max(need, CHUNK)) : buf;
    buf.copy(target, 0, offset - bufStart, offset - bufStart + keep);
    buf = target;
    bufStart = offset;
    filled = keep;
    while (filled < need) {
      const want = Math.min(buf.length - filled, size - (bufStart + filled));
      const { bytesRead } = await fh.read(buf, filled, want, bufStart + filled);
      if (bytesRead <= 0) return false;
      filled += bytesRead;
    }
    return true;
  };
  while (offset < size) {
    if (!(await fill(HEADER_BYTES))) break;
    const header = parseHeader(buf, offset - bufStart);
    if (!header) break;
    const length = recordBytes(header.idLength, header.dataLength);
    if (!(await fill(length))) break;
    const start = offset - bufStart;
    const bytes = buf.subarray(start, start + length);
    if (!crcMatches(bytes, header)) break;
    yield { offset, header, id: bytes.toString('latin1', HEADER_BYTES, HEADER_BYTES + header.idLength), bytes };
    offset += length;
  }
  return { end: offset };
}
