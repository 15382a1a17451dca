/**
 * The on-disk layout of an encrypted blob, shared by the encryptor, the decryptor and callers that
 * need to translate plaintext ranges into stored-byte ranges.
 *
 * A blob of L plaintext bytes is cut into frames of FRAME_SIZE bytes (the last one may be shorter;
 * an empty blob is one empty frame). Each frame is stored as AES-256-GCM ciphertext (same length as
 * its plaintext) followed by its 16-byte tag, so stored frame i starts at i * (FRAME_SIZE + TAG_SIZE)
 * and a range read only needs the frames that overlap the range.
 */

export const FRAME_SIZE = 65536;
export const TAG_SIZE = 16;
export const DATA_KEY_SIZE = 32;
export const NONCE_SIZE = 12;
/** Random per-blob part of every frame nonce. */
export const NONCE_PREFIX_SIZE = 7;
/** The frame counter is 4 bytes, so a blob holds at most 2^32 frames (256 TiB). */
export const MAX_FRAMES = 2 ** 32;
export const STORED_FRAME_SIZE = FRAME_SIZE + TAG_SIZE;

/** What the metadata store keeps next to each blob so it can be decrypted later. */
export interface BlobKeyInfo {
  /** Id of the master key (in the key ring) that wrapped the data key. */
  keyId: string;
  /** base64(nonce ‖ encrypted data key ‖ tag) — see KeyRing.wrap. */
  wrappedKey: string;
  /** base64 of the 7-byte random nonce prefix used for every frame of this blob. */
  noncePrefix: string;
}

function assertLength(plaintextLength: number): void {
  if (!Number.isSafeInteger(plaintextLength) || plaintextLength < 0) {
    throw new RangeError(`plaintext length must be a non-negative integer, got ${plaintextLength}`);
  }
  if (frameCountUnchecked(plaintextLength) > MAX_FRAMES) {
    throw new RangeError(`plaintext length ${plaintextLength} exceeds the ${MAX_FRAMES}-frame limit`);
  }
}

function frameCountUnchecked(plaintextLength: number): number {
  // An empty blob still has one (empty, final) frame so that its tag proves it is complete.
  return Math.max(1, Math.ceil(plaintextLength / FRAME_SIZE));
}

/** Number of frames a plaintext of this length is stored as (at least 1). */
export function frameCount(plaintextLength: number): number {
  assertLength(plaintextLength);
  return frameCountUnchecked(plaintextLength);
}

/** Plaintext bytes in frame `index` of a blob of `plaintextLength` bytes. */
export function framePlaintextLength(plaintextLength: number, index: number): number {
  return Math.min(FRAME_SIZE, plaintextLength - index * FRAME_SIZE);
}

/** Stored (encrypted) size of a blob of `plaintextLength` bytes. */
export function ciphertextLength(plaintextLength: number): number {
  return plaintextLength + frameCount(plaintextLength) * TAG_SIZE;
}

/**
 * Maps an inclusive plaintext range to the stored bytes that must be fetched (whole frames only,
 * because a frame can't be authenticated partially) and to the trim applied after decryption:
 * drop `skip` bytes from the start of `firstFrame`, then keep `take` bytes.
 */
export function frameRangeFor(
  plaintextLength: number,
  range: { start: number; end: number },
): { cipherStart: number; cipherEnd: number; firstFrame: number; skip: number; take: number } {
  assertLength(plaintextLength);
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end >= plaintextLength) {
    throw new RangeError(`range ${start}-${end} is not within a plaintext of ${plaintextLength} bytes`);
  }
  const firstFrame = Math.floor(start / FRAME_SIZE);
  const lastFrame = Math.floor(end / FRAME_SIZE);
  const cipherStart = firstFrame * STORED_FRAME_SIZE;
  const cipherEnd = lastFrame * STORED_FRAME_SIZE + framePlaintextLength(plaintextLength, lastFrame) + TAG_SIZE - 1;
  return { cipherStart, cipherEnd, firstFrame, skip: start - firstFrame * FRAME_SIZE, take: end - start + 1 };
}

/**
 * nonce = noncePrefix (7) ‖ frame counter (4, big-endian) ‖ final flag (1).
 * The counter makes reordering detectable; the flag makes dropping trailing frames detectable
 * (the new last frame was sealed with flag 0x00, so it fails when opened as final).
 */
export function frameNonce(noncePrefix: Buffer, index: number, final: boolean): Buffer {
  const nonce = Buffer.allocUnsafe(NONCE_SIZE);
  noncePrefix.copy(nonce, 0, 0, NONCE_PREFIX_SIZE);
  nonce.writeUInt32BE(index, NONCE_PREFIX_SIZE);
  nonce[NONCE_SIZE - 1] = final ? 0x01 : 0x00;
  return nonce;
}

/** AAD for every frame: binds the ciphertext to the blob id so blobs can't be swapped. */
export function blobAad(blobId: string): Buffer {
  if (typeof blobId !== 'string' || blobId.length === 0) {
    throw new TypeError('blobId must be a non-empty string');
  }
  return Buffer.from(blobId, 'utf8');
}
