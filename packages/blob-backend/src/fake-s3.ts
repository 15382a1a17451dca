// Test-only: an in-process stand-in for S3Client.send, just enough S3 to exercise S3Backend's
// request building, error mapping and paging without a network. Not exported from the package.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';

export function s3Error(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return body;
  const parts: Buffer[] = [];
  for await (const c of body as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

export interface FakeS3 {
  client: S3Client;
  objects: Map<string, { data: Buffer; lastModified: Date }>;
  calls: { name: string; input: Record<string, unknown> }[];
  /** Return an error to fail the next matching call (checked before the fake handles it). */
  failWhen: (name: string, input: Record<string, unknown>) => Error | undefined;
  /** Simulate a server that ignores Range headers. */
  ignoreRange: boolean;
  /** Server-side page size cap for ListObjectsV2. */
  maxPage: number;
}

export function createFakeS3(bucket: string): FakeS3 {
  const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const fake: FakeS3 = { client, objects: new Map(), calls: [], failWhen: () => undefined, ignoreRange: false, maxPage: 1000 };
  const uploads = new Map<string, Map<number, Buffer>>();
  let uploadSeq = 0;

  const handle = async (command: unknown): Promise<unknown> => {
    const { input } = command as { input: Record<string, unknown> };
    const name = (command as object).constructor.name.replace(/Command$/, '');
    fake.calls.push({ name, input });
    if (input.Bucket !== bucket) throw s3Error('NoSuchBucket', 404);
    const injected = fake.failWhen(name, input);
    if (injected) {
      if (input.Body && !Buffer.isBuffer(input.Body)) await bodyBytes(input.Body); // a real server reads before failing
      throw injected;
    }
    const key = input.Key as string;

    if (command instanceof PutObjectCommand) {
      const data = await bodyBytes(input.Body);
      if (data.length !== input.ContentLength) throw s3Error('IncompleteBody', 400);
      fake.objects.set(key, { data, lastModified: new Date() });
      return {};
    }
    if (command instanceof GetObjectCommand || command instanceof HeadObjectCommand) {
      const obj = fake.objects.get(key);
      if (!obj) throw command instanceof GetObjectCommand ? s3Error('NoSuchKey', 404) : s3Error('NotFound', 404);
      if (command instanceof HeadObjectCommand) return { ContentLength: obj.data.length, LastModified: obj.lastModified };
      const m = /^bytes=(\d+)-(\d+)$/.exec((input.Range as string | undefined) ?? '');
      if (!m || fake.ignoreRange) return { Body: Readable.from([obj.data]), ContentLength: obj.data.length };
      const start = Number(m[1]);
      const end = Math.min(Number(m[2]), obj.data.length - 1); // S3 clips, doesn't fail
      if (start >= obj.data.length) throw s3Error('InvalidRange', 416);
      return { Body: Readable.from([obj.data.subarray(start, end + 1)]), ContentRange: `bytes ${start}-${end}/${obj.data.length}` };
    }
    if (command instanceof DeleteObjectCommand) {
      fake.objects.delete(key);
      return {};
    }
    if (command instanceof ListObjectsV2Command) {
      const prefix = (input.Prefix as string | undefined) ?? '';
      const from = (input.ContinuationToken as string | undefined) ?? (input.StartAfter as string | undefined) ?? '';
      const keys = [...fake.objects.keys()].filter((k) => k.startsWith(prefix) && k > from).sort();
      const page = keys.slice(0, Math.min(fake.maxPage, (input.MaxKeys as number | undefined) ?? 1000));
      const truncated = page.length < keys.length;
      return {
        Contents: page.map((k) => ({ Key: k, Size: fake.objects.get(k)!.data.length, LastModified: fake.objects.get(k)!.lastModified })),
        IsTruncated: truncated,
        NextContinuationToken: truncated ? page[page.length - 1] : undefined,
      };
    }
    if (command instanceof CreateMultipartUploadCommand) {
      const id = `upload-${++uploadSeq}`;
      uploads.set(id, new Map());
      return { UploadId: id };
    }
    if (command instanceof UploadPartCommand) {
      const parts = uploads.get(input.UploadId as string);
      if (!parts) throw s3Error('NoSuchUpload', 404);
      const data = await bodyBytes(input.Body);
      if (data.length !== input.ContentLength) throw s3Error('IncompleteBody', 400);
      parts.set(input.PartNumber as number, data);
      return { ETag: `"etag-${input.PartNumber}"` };
    }
    if (command instanceof CompleteMultipartUploadCommand) {
      const parts = uploads.get(input.UploadId as string);
      if (!parts) throw s3Error('NoSuchUpload', 404);
      const listed = (input.MultipartUpload as { Parts: { PartNumber: number; ETag: string }[] }).Parts;
      listed.forEach((p, i) => {
        if (p.PartNumber !== i + 1 || p.ETag !== `"etag-${p.PartNumber}"` || !parts.has(p.PartNumber)) throw s3Error('InvalidPart', 400);
      });
      fake.objects.set(key, { data: Buffer.concat(listed.map((p) => parts.get(p.PartNumber)!)), lastModified: new Date() });
      uploads.delete(input.UploadId as string);
      return {};
    }
    if (command instanceof AbortMultipartUploadCommand) {
      uploads.delete(input.UploadId as string);
      return {};
    }
    throw new Error(`fake S3 does not implement ${name}`);
  };

  jest.spyOn(client, 'send').mockImplementation(handle as never);
  return fake;
}
