import { crc32 } from 'node:zlib';

/**
 * One record of a pack segment (little endian):
 *   0 magic u32 · 4 crc32 of bytes [8, end) · 8 kind u8 · 9 reserved · 10 id length u16 ·
 *   12 data length u32 · 16 lastModified (ms) f64 · 24 id (ASCII) · data
 * The CRC covers everything after itself, so a torn write (short or garbage) never parses.
 */
export const RECORD_MAGIC = 0x4b434150; // "PACK"
export const HEADER_BYTES = 24;
export const KIND_PUT = 1;
export const KIND_TOMBSTONE = 2;

export interface RecordHeader {
  kind: number;
  idLength: number;
  dataLength: number;
  mtime: number;
  crc: number;
}

export function recordBytes(idLength: number, dataLength: number): number {
  return HEADER_BYTES + idLength + dataLength;
}

/** Encodes a record into one buffer (data copied once: the batch is written with one writev). */
export function encodeRecord(kind: number, id: string, data: Buffer | undefined, mtime: number): Buffer {
  const dataLength = data?.length ?? 0;
  const buf = Buffer.allocUnsafe(recordBytes(id.length, dataLength));
  buf.writeUInt32LE(RECORD_MAGIC, 0);
  buf.writeUInt8(kind, 8);
  buf.writeUInt8(0, 9);
  buf.writeUInt16LE(id.length, 10);
  buf.writeUInt32LE(dataLength, 12);
  buf.writeDoubleLE(mtime, 16);
  buf.write(id, HEADER_BYTES, 'latin1');
  if (data) data.copy(buf, HEADER_BYTES + id.length);
  buf.writeUInt32LE(crc32(buf.subarray(8)), 4);
  return buf;
}

/** Parses a header, or undefined when the bytes are not the start of a plausible record. */
export function parseHeader(buf: Buffer, at: number): RecordHeader | undefined {
  if (buf.length - at < HEADER_BYTES || buf.readUInt32LE(at) !== RECORD_MAGIC) return undefined;
  const kind = buf.readUInt8(at + 8);
  if (kind !== KIND_PUT && kind !== KIND_TOMBSTONE) return undefined;
  const idLength = buf.readUInt16LE(at + 10);
  const dataLength = buf.readUInt32LE(at + 12);
  if (idLength === 0 || (kind === KIND_TOMBSTONE && dataLength !== 0)) return undefined;
  return { kind, idLength, dataLength, mtime: buf.readDoubleLE(at + 16), crc: buf.readUInt32LE(at + 4) };
}

/** True when `record` (header through data) carries the CRC its header claims. */
export function crcMatches(record: Buffer, header: RecordHeader): boolean {
  return crc32(record.subarray(8)) === header.crc;
}
