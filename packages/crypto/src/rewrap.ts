import type { BlobKeyInfo } from './format';
import type { KeyRing } from './key-ring';

/**
 * Key rotation: re-wraps a blob's data key under the ring's active key. The data key and the nonce
 * prefix don't change, so the stored ciphertext stays valid and only the metadata row is updated.
 * Already-current key infos are returned unchanged (callers can skip the write when keyId matches).
 */
export function rewrap(ring: KeyRing, keyInfo: BlobKeyInfo): BlobKeyInfo {
  if (keyInfo.keyId === ring.activeKeyId) return { ...keyInfo };
  const dataKey = ring.unwrap({ keyId: keyInfo.keyId, wrapped: keyInfo.wrappedKey });
  try {
    const { keyId, wrapped } = ring.wrap(dataKey);
    return { keyId, wrappedKey: wrapped, noncePrefix: keyInfo.noncePrefix };
  } finally {
    dataKey.fill(0);
  }
}
