import { S3Error } from '@excloud/s3-protocol';
import { toS3Error } from './backend-errors';

const errno = (code: string) => Object.assign(new Error(`${code}: no space left on device, write`), { code });

it.each(['ENOSPC', 'EDQUOT'])('answers a full volume (%s) with 503 ServiceUnavailable', (code) => {
  const mapped = toS3Error(errno(code));
  expect(mapped).toBeInstanceOf(S3Error);
  expect(mapped).toMatchObject({ code: 'ServiceUnavailable', status: 503 });
});

it('passes other failures through unchanged (they become a logged InternalError)', () => {
  const err = errno('EIO');
  expect(toS3Error(err)).toBe(err);
});
