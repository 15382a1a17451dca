import { checksumAlgorithmFromHeader, createChecksum, isWellFormedChecksum, type Checksum, type ChecksumAlgorithm } from './checksum';
import { SigV4Error } from './errors';

export const TRAILER_SIGNATURE = 'x-amz-trailer-signature';

export interface DeclaredTrailer {
  name: string;
  algorithm: ChecksumAlgorithm | null;
  checksum: Checksum | null;
}

function invalid(message: string): SigV4Error {
  return new SigV4Error('InvalidRequest', message);
}

/**
 * The trailers announced by the (signed) x-amz-trailer header. Checksum trailers get a running
 * digest so the value that arrives at the end can be checked against the bytes actually received.
 */
export function declaredTrailers(header: string | undefined): DeclaredTrailer[] {
  if (header === undefined) return [];
  const names = header
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '');
  if (new Set(names).size !== names.length) throw invalid('The x-amz-trailer header lists a trailer more than once.');
  return names.map((name) => {
    if (name === TRAILER_SIGNATURE) throw invalid(`${TRAILER_SIGNATURE} cannot be declared in x-amz-trailer.`);
    const algorithm = checksumAlgorithmFromHeader(name);
    if (!algorithm && name.startsWith('x-amz-checksum-')) {
      throw invalid('The value specified in the x-amz-trailer header is not supported');
    }
    return { name, algorithm, checksum: algorithm ? createChecksum(algorithm) : null };
  });
}

/** One `name:value` trailer line, CR already stripped. */
export function parseTrailerLine(line: string): [string, string] {
  const colon = line.indexOf(':');
  if (colon <= 0) throw invalid('The request contained trailing data that was not well-formed.');
  const name = line.slice(0, colon).trim().toLowerCase();
  if (name === '' || /[^\x21-\x7e]/.test(name)) throw invalid('The request contained trailing data that was not well-formed.');
  return [name, line.slice(colon + 1).trim()];
}

/**
 * Every declared trailer must arrive and nothing undeclared may: the declaration is what the
 * request signature covers, so an extra trailer would be unauthenticated in unsigned-trailer mode.
 */
export function checkTrailerSet(declared: DeclaredTrailer[], received: ReadonlyArray<readonly [string, string]>): void {
  const names = new Set(declared.map((d) => d.name));
  for (const [name] of received) {
    if (!names.has(name)) throw invalid(`The trailing header ${name} was not declared in x-amz-trailer.`);
  }
  for (const d of declared) {
    if (!received.some(([name]) => name === d.name)) throw invalid(`The trailing header ${d.name} is missing.`);
  }
}

/** Compares each checksum trailer with the digest of the decoded data. */
export function verifyChecksumTrailers(declared: DeclaredTrailer[], received: ReadonlyArray<readonly [string, string]>): void {
  for (const d of declared) {
    if (!d.algorithm || !d.checksum) continue;
    const value = received.find(([name]) => name === d.name)?.[1] ?? '';
    if (!isWellFormedChecksum(d.algorithm, value)) throw invalid(`Value for ${d.name} trailing header is invalid.`);
    if (d.checksum.digestBase64() !== value) {
      throw new SigV4Error('BadDigest', `The ${d.algorithm} you specified did not match the calculated checksum.`);
    }
  }
}
