/**
 * Raised when ciphertext can't be proven authentic: a frame's tag doesn't verify, frames are
 * missing/reordered/truncated, the data key doesn't unwrap, or the input is the wrong length.
 * Callers must treat it as "this blob is corrupt or was tampered with" and never serve bytes.
 */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Raised for key-ring configuration problems (bad env string, wrong key length, unknown key id).
 * Messages name the entry and key id but never include key material.
 */
export class KeyRingError extends Error {
  override readonly name = 'KeyRingError';
}
