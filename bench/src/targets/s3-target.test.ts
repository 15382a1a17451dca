import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Payload } from '../payload';
import { S3Target } from './s3-target';

/** A peer that answers a multipart upload the way Ceph RGW 16.2 does: Complete with an empty ETag. */
async function peer(objectEtag: string): Promise<{ server: Server; port: number; heads: () => number }> {
  let heads = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x');
      if (req.method === 'POST' && url.searchParams.has('uploads')) return void res.end('<InitiateMultipartUploadResult><UploadId>u1</UploadId></InitiateMultipartUploadResult>');
      if (req.method === 'PUT') {
        const md5 = new Payload(Buffer.concat(chunks)).md5Hex;
        res.setHeader('etag', `"${md5}"`);
        return void res.end();
      }
      if (req.method === 'POST') return void res.end('<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag></ETag></CompleteMultipartUploadResult>');
      if (req.method === 'HEAD') {
        heads++;
        res.setHeader('etag', objectEtag);
        return void res.end();
      }
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, heads: () => heads };
}

describe('S3Target.multipartPut against a Complete without ETag', () => {
  const parts = [Payload.random(1000), Payload.random(1000)];

  it("accepts it when the completed object's ETag is the 2-part one", async () => {
    const p = await peer('"0123456789abcdef0123456789abcdef-2"');
    const target = new S3Target({ host: '127.0.0.1', port: p.port, bucket: 'b', accessKeyId: 'a', secretAccessKey: 's' });
    try {
      await expect(target.multipartPut('k', parts, 2)).resolves.toBeUndefined();
      expect(p.heads()).toBe(1);
    } finally {
      target.close();
      p.server.close();
    }
  });

  it("refuses it when the object's ETag is not a multipart one", async () => {
    const p = await peer('"0123456789abcdef0123456789abcdef"');
    const target = new S3Target({ host: '127.0.0.1', port: p.port, bucket: 'b', accessKeyId: 'a', secretAccessKey: 's' });
    try {
      await expect(target.multipartPut('k', parts, 2)).rejects.toThrow(/not a 2-part ETag/);
    } finally {
      target.close();
      p.server.close();
    }
  });
});
