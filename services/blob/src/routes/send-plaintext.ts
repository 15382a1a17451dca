import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { DecryptionError, type FrameOpener } from '@excloud/crypto';
import { S3Error } from '@excloud/s3-protocol';
import type { Logger } from '@excloud/service-kit';

export interface SendPlaintextOptions {
  /** Stored bytes of exactly the frames the opener needs. */
  source: NodeJS.ReadableStream;
  opener: FrameOpener;
  res: ServerResponse;
  /** Plaintext bytes the response will carry (its content-length). */
  length: number;
  blobId: string;
  log: Logger;
  countBytes(n: number): void;
}

/**
 * Decrypts stored frames straight into the response: no Transform, no pipeline. Each chunk the
 * backend reads becomes one corked batch of socket writes; the response's backpressure pauses the
 * backend. Headers go out with the first authenticated bytes, so a blob whose first read fails
 * authentication (every small blob) is a clean 500 instead of a broken 200; and a read that ends
 * with its last frame is answered with one write of headers and body.
 *
 * Resolves once the response is complete or abandoned; rejects (only before any header was sent)
 * with the S3Error to answer with. A frame that fails after the headers went out destroys the
 * response: the reader sees an aborted body, never wrong bytes.
 */
export function sendPlaintext(opts: SendPlaintextOptions): Promise<void> {
  const { opener, res, log, blobId } = opts;
  const source = opts.source as Readable;
  const out: Buffer[] = [];
  let headersSent = false;
  let settled = false;

  return new Promise<void>((resolve, reject) => {
    /** `abandon`: stop the backend's read; a finished read is left to end by itself (keeps its connection or descriptor tidy). */
    const settle = (abandon: boolean): void => {
      settled = true;
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      source.off('close', onClose);
      res.off('close', onResponseClose);
      res.off('drain', onDrain);
      source.on('error', () => undefined); // nobody listens any more: an error must not crash us
      if (abandon) source.destroy();
      else source.resume();
      opener.dispose();
    };

    const fail = (err: unknown): void => {
      if (settled) return;
      settle(true);
      if (!headersSent) {
        reject(authenticationFailure(log, blobId, err));
        return;
      }
      if (err instanceof DecryptionError) log.error('blob failed authentication mid-stream', { blobId, err });
      res.destroy();
      resolve();
    };

    const send = (last: boolean): void => {
      if (!headersSent) {
        headersSent = true;
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(opts.length) });
      }
      let bytes = 0;
      for (const piece of out) bytes += piece.length;
      if (bytes > 0) opts.countBytes(bytes);
      if (last) {
        const pieces = out.splice(0);
        settle(false);
        if (pieces.length === 1) res.end(pieces[0]);
        else {
          res.cork();
          for (const piece of pieces) res.write(piece);
          res.end(); // uncorks: headers and body leave in one write
        }
        resolve();
        return;
      }
      res.cork();
      let ok = true;
      for (const piece of out) ok = res.write(piece);
      out.length = 0;
      res.uncork();
      if (!ok) {
        source.pause();
        res.once('drain', onDrain);
      }
    };

    const onData = (chunk: Buffer): void => {
      try {
        opener.update(chunk, out);
      } catch (err) {
        out.length = 0;
        fail(err);
        return;
      }
      if (opener.complete) send(true);
      else if (out.length > 0) send(false);
    };
    const onDrain = (): void => {
      source.resume();
    };
    const onEnd = (): void => {
      // Only reached when the last needed frame never arrived (finish() throws then).
      try {
        opener.finish();
      } catch (err) {
        fail(err);
        return;
      }
      if (!settled) send(true);
    };
    const onError = (err: Error): void => fail(err);
    const onClose = (): void => fail(new Error('blob stream closed before its end'));
    // The reader left: stop fetching and decrypting for nobody.
    const onResponseClose = (): void => {
      if (settled) return;
      settle(true);
      resolve();
    };

    source.on('data', onData);
    source.once('end', onEnd);
    source.once('error', onError);
    source.once('close', onClose);
    res.once('close', onResponseClose);
  });
}

/**
 * sendPlaintext for stored bytes already in one Buffer (packed small blobs, see
 * BlobBackend.getSmall): opened at once and answered with one write of head and body, without a
 * stream, listeners or a promise per request. Throws the S3Error to answer with when a frame
 * fails authentication (nothing was sent then).
 */
export function sendStoredPlaintext(opts: Omit<SendPlaintextOptions, 'source'> & { stored: Buffer }): void {
  const { opener, res } = opts;
  const out: Buffer[] = [];
  try {
    opener.update(opts.stored, out);
    opener.finish();
  } catch (err) {
    throw authenticationFailure(opts.log, opts.blobId, err);
  } finally {
    opener.dispose();
  }
  const body = out.length === 1 ? out[0]! : Buffer.concat(out);
  opts.countBytes(body.length);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(opts.length) });
  res.end(body);
}

/** A blob whose frame fails authentication before any byte went out: logged, answered as ours (500). */
function authenticationFailure(log: Logger, blobId: string, err: unknown): S3Error {
  log.error('blob failed authentication', { blobId, err });
  return new S3Error('InternalError', 'blob failed authentication');
}
