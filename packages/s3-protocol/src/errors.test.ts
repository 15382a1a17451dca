import { S3Error, toS3Error } from './errors';

class CodedError extends Error {
  constructor(
    readonly s3Code: string,
    message: string,
  ) {
    super(message);
  }
}

describe('toS3Error', () => {
  it('keeps an S3Error as it is', () => {
    const err = new S3Error('NoSuchKey');
    expect(toS3Error(err)).toBe(err);
  });

  it('turns an error naming an S3 code into that S3Error, with its message', () => {
    const mapped = toS3Error(new CodedError('RequestTimeTooSkewed', 'too skewed'));
    expect(mapped).toBeInstanceOf(S3Error);
    expect(mapped).toMatchObject({ code: 'RequestTimeTooSkewed', status: 403, message: 'too skewed' });
  });

  it('treats a code missing from the table as a client error, and passes anything else through', () => {
    expect(toS3Error(new CodedError('NoSuchThing', 'x'))).toMatchObject({ code: 'InvalidRequest', status: 400 });
    const bug = new TypeError('undefined is not a function');
    expect(toS3Error(bug)).toBe(bug);
    expect(toS3Error('a string')).toBe('a string');
  });
});
