export { DecryptionError, KeyRingError } from './errors';
export {
  FRAME_SIZE,
  TAG_SIZE,
  NONCE_PREFIX_SIZE,
  MAX_FRAMES,
  ciphertextLength,
  frameCount,
  frameRangeFor,
  type BlobKeyInfo,
} from './format';
export { KeyRing, parseKeyRing, type WrappedKey } from './key-ring';
export { createEncryptor } from './encrypt';
export { FrameSealer, openSealer } from './seal';
export { FrameOpener, openBlob, type OpenBlobOptions } from './open';
export { createDecryptor } from './decrypt';
export { rewrap } from './rewrap';
