/**
 * URI encoding exactly as SigV4 defines it: every byte except A-Z a-z 0-9 - _ . ~ becomes %XY with
 * upper-case hex (space is %20, never '+'). Everything works on UTF-8 bytes so multi-byte
 * characters encode the way every AWS SDK encodes them.
 */

const HEX = '0123456789ABCDEF';

function isUnreserved(b: number): boolean {
  return (
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    (b >= 0x30 && b <= 0x39) || // 0-9
    b === 0x2d || // -
    b === 0x5f || // _
    b === 0x2e || // .
    b === 0x7e // ~
  );
}

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function pctByte(b: number): string {
  return '%' + HEX[b >> 4] + HEX[b & 15];
}

/** AWS URI-encode of raw bytes; '/' is kept only when `keepSlash`. */
export function uriEncodeBytes(bytes: Uint8Array, keepSlash: boolean): string {
  let out = '';
  for (const b of bytes) {
    out += isUnreserved(b) || (keepSlash && b === 0x2f) ? String.fromCharCode(b) : pctByte(b);
  }
  return out;
}

/** AWS URI-encode of a (Unicode) string, via its UTF-8 bytes. */
export function uriEncode(value: string, keepSlash = false): string {
  return uriEncodeBytes(Buffer.from(value, 'utf8'), keepSlash);
}

/**
 * Percent-decodes to bytes. '+' stays a literal '+' (SigV4 is not form encoding), and a '%' that
 * isn't followed by two hex digits is taken literally rather than rejected, as lenient servers do.
 */
export function percentDecodeBytes(value: string): Buffer {
  const src = Buffer.from(value, 'utf8');
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const b = src[i];
    if (b === 0x25 && i + 2 < src.length && isHexDigit(src[i + 1]) && isHexDigit(src[i + 2])) {
      out[n++] = parseInt(String.fromCharCode(src[i + 1], src[i + 2]), 16);
      i += 2;
    } else {
      out[n++] = b;
    }
  }
  return out.subarray(0, n);
}

export function percentDecode(value: string): string {
  return percentDecodeBytes(value).toString('utf8');
}

/**
 * S3 signs the path exactly as the client encoded it (encoded once, never normalised), so the raw
 * path is kept, escapes included. Only characters that SigV4 requires to be encoded but the client
 * sent bare (e.g. '$' in the AWS PUT example) are encoded here, so that a client signing the
 * canonical form of such a path still matches.
 */
export function canonicalUri(rawPath: string): string {
  if (rawPath === '') return '/';
  const src = Buffer.from(rawPath, 'utf8');
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const b = src[i];
    if (b === 0x25 && i + 2 < src.length && isHexDigit(src[i + 1]) && isHexDigit(src[i + 2])) {
      out += String.fromCharCode(b, src[i + 1], src[i + 2]);
      i += 2;
    } else if (isUnreserved(b) || b === 0x2f) {
      out += String.fromCharCode(b);
    } else {
      out += pctByte(b);
    }
  }
  return out;
}

export interface QueryParam {
  name: string;
  value: string;
}

/** Splits a raw query into decoded parameters; `?uploads` yields { name: 'uploads', value: '' }. */
export function parseQuery(rawQuery: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (rawQuery === '') return params;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    params.push({ name: percentDecode(name), value: percentDecode(value) });
  }
  return params;
}

/**
 * Every parameter, decoded then re-encoded the AWS way, sorted by encoded name then encoded value.
 * Decoding is done on bytes so that invalid UTF-8 in an escape survives the round trip unchanged.
 */
export function canonicalQueryString(rawQuery: string, exclude?: (rawName: string) => boolean): string {
  if (rawQuery === '') return '';
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? '' : part.slice(eq + 1);
    if (exclude && exclude(percentDecode(rawName))) continue;
    pairs.push([
      uriEncodeBytes(percentDecodeBytes(rawName), false),
      uriEncodeBytes(percentDecodeBytes(rawValue), false),
    ]);
  }
  // Encoded strings are pure ASCII, so code-unit order is the byte order SigV4 asks for.
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Node hands header values over as latin1 (one char per byte), but clients sign the UTF-8 text.
 * When a value's bytes form valid UTF-8 they are read back as UTF-8 so hashing the canonical
 * request (as UTF-8) reproduces the bytes the client hashed.
 */
function fromWireString(value: string): string {
  if (/^[\x00-\x7f]*$/.test(value) || /[^\x00-\xff]/.test(value)) return value;
  try {
    return utf8Strict.decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

/**
 * Trimmed, with inner runs of whitespace collapsed to one space (the SigV4 "Trimall"). Only ASCII
 * whitespace counts: the SDKs leave e.g. U+00A0 alone, so must we.
 */
export function canonicalHeaderValue(value: string | string[]): string {
  const values = Array.isArray(value) ? value : [value];
  return values
    .map((v) => fromWireString(v).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '').replace(/[ \t\r\n]+/g, ' '))
    .join(',');
}
