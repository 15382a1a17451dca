import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { S3Error } from '@excloud/s3-protocol';

/** S3 reads at most this much form data before the file; more is MaxPostPreDataLengthExceededError. */
export const MAX_PRE_FILE_BYTES = 20 * 1024;

/** A browser form upload, read up to its file part (S3 ignores whatever follows the file). */
export interface PostForm {
  /** Form fields before the file; names lower-cased, as S3 matches them case-insensitively. */
  fields: Map<string, string>;
  /** The file part: its bytes still streaming from the request. */
  file?: { stream: Readable; filename: string };
}

/**
 * Parses multipart/form-data until the file part starts, then hands the file over as a stream
 * (busboy applies backpressure, so nothing is buffered beyond the fields).
 */
export function readPostForm(req: IncomingMessage): Promise<PostForm> {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    throw new S3Error('PreconditionFailed', undefined, { Condition: 'Bucket POST must be of the enclosure-type multipart/form-data' });
  }
  return new Promise((resolve, reject) => {
    const fields = new Map<string, string>();
    let preFileBytes = 0;
    let done = false;
    const finish = (result: PostForm | S3Error) => {
      if (done) return;
      done = true;
      if (result instanceof S3Error) {
        req.unpipe(parser);
        req.resume();
        reject(result);
      } else resolve(result);
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fieldSize: MAX_PRE_FILE_BYTES, files: 1, fields: 1000 } });
    } catch {
      throw new S3Error('MalformedPOSTRequest');
    }
    parser.on('field', (name, value, info) => {
      if (done) return;
      preFileBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
      if (info.valueTruncated || preFileBytes > MAX_PRE_FILE_BYTES) return finish(new S3Error('MaxPostPreDataLengthExceededError'));
      const lower = name.toLowerCase();
      // The first value of a field counts, as a browser sends each once.
      if (!fields.has(lower)) fields.set(lower, value);
    });
    parser.on('file', (_name, stream, info) => {
      if (done) {
        stream.resume();
        return;
      }
      finish({ fields, file: { stream, filename: info.filename ?? '' } });
    });
    parser.on('close', () => finish({ fields }));
    parser.on('error', () => finish(new S3Error('MalformedPOSTRequest')));
    // A client that goes away mid-file must fail the blob write, not leave it waiting.
    req.on('aborted', () => parser.destroy(new Error('request aborted')));
    req.pipe(parser);
  });
}
