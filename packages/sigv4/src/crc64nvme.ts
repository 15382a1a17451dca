/**
 * CRC-64/NVME (reflected, poly 0xAD93D23594C93659, init and xorout all ones), as S3 uses for
 * x-amz-checksum-crc64nvme. Own implementation because @aws-sdk/crc64-nvme only offers an async
 * digest and the decoder needs the value synchronously when the stream ends. The 64-bit state is
 * kept as two 32-bit halves to stay off BigInt in the hot loop; slice-by-8 tables keep it at several hundred MB/s.
 */

const REVERSED_POLY = 0x9a6c9329ac4bc9b5n;
const SLICES = 8;

// TABLE_HI[s][i] / TABLE_LO[s][i]: the CRC of byte i followed by s zero bytes.
const TABLE_HI: Uint32Array[] = [];
const TABLE_LO: Uint32Array[] = [];

function buildTables(): void {
  const base: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    let crc = BigInt(i);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ REVERSED_POLY : crc >> 1n;
    base.push(crc);
  }
  let current = base;
  for (let s = 0; s < SLICES; s++) {
    const hi = new Uint32Array(256);
    const lo = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      hi[i] = Number(current[i] >> 32n);
      lo[i] = Number(current[i] & 0xffffffffn);
    }
    TABLE_HI.push(hi);
    TABLE_LO.push(lo);
    current = current.map((c) => (c >> 8n) ^ base[Number(c & 0xffn)]);
  }
}
buildTables();

export class Crc64Nvme {
  private hi = 0xffffffff;
  private lo = 0xffffffff;

  update(data: Uint8Array): void {
    let hi = this.hi;
    let lo = this.lo;
    let i = 0;
    const len = data.length;
    const [h0, h1, h2, h3, h4, h5, h6, h7] = TABLE_HI;
    const [l0, l1, l2, l3, l4, l5, l6, l7] = TABLE_LO;
    while (i + 8 <= len) {
      const a = (lo ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24))) >>> 0;
      const b = (hi ^ (data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24))) >>> 0;
      const a0 = a & 0xff, a1 = (a >>> 8) & 0xff, a2 = (a >>> 16) & 0xff, a3 = a >>> 24;
      const b0 = b & 0xff, b1 = (b >>> 8) & 0xff, b2 = (b >>> 16) & 0xff, b3 = b >>> 24;
      hi = h7[a0] ^ h6[a1] ^ h5[a2] ^ h4[a3] ^ h3[b0] ^ h2[b1] ^ h1[b2] ^ h0[b3];
      lo = l7[a0] ^ l6[a1] ^ l5[a2] ^ l4[a3] ^ l3[b0] ^ l2[b1] ^ l1[b2] ^ l0[b3];
      i += 8;
    }
    for (; i < len; i++) {
      const idx = (lo ^ data[i]) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ l0[idx]) >>> 0;
      hi = ((hi >>> 8) ^ h0[idx]) >>> 0;
    }
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
  }

  /** Big-endian 8 bytes, the byte order S3 base64-encodes. */
  digest(): Buffer {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32BE((this.hi ^ 0xffffffff) >>> 0, 0);
    out.writeUInt32BE((this.lo ^ 0xffffffff) >>> 0, 4);
    return out;
  }
}
