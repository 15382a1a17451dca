import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { RequestBodyReader } from './request-body';

/** A stand-in request: the reader only needs the Readable side of an IncomingMessage. */
function fakeRequest(): PassThrough & IncomingMessage {
  return new PassThrough() as PassThrough & IncomingMessage;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

it('hands out chunks in order, then null at the end', async () => {
  const req = fakeRequest();
  const reader = new RequestBodyReader(req);
  expect(reader.take()).toBeUndefined();
  const woken = reader.wait();
  req.write(Buffer.from('ab'));
  await woken;
  req.end(Buffer.from('cd'));
  await tick();
  const got: string[] = [];
  for (let chunk = reader.take(); chunk !== null; chunk = reader.take()) {
    if (chunk === undefined) await reader.wait();
    else got.push(chunk.toString());
  }
  expect(got.join('')).toBe('abcd');
});

it('pauses the request while highWater bytes wait unread, and resumes it as they are taken', async () => {
  const req = fakeRequest();
  const reader = new RequestBodyReader(req, 100);
  req.write(Buffer.alloc(60));
  await tick();
  expect(req.isPaused()).toBe(false);
  req.write(Buffer.alloc(60));
  await tick();
  expect(req.isPaused()).toBe(true);
  reader.take();
  expect(req.isPaused()).toBe(false);
});

it('a request that closes before its end is IncompleteBody, also for a reader already waiting', async () => {
  const req = fakeRequest();
  const reader = new RequestBodyReader(req);
  const woken = reader.wait();
  req.destroy();
  await woken;
  expect(() => reader.take()).toThrow(expect.objectContaining({ code: 'IncompleteBody' }));
});

it('a request error is IncompleteBody naming the cause', async () => {
  const req = fakeRequest();
  const reader = new RequestBodyReader(req);
  req.destroy(new Error('connection reset'));
  await tick();
  expect(() => reader.take()).toThrow(expect.objectContaining({ code: 'IncompleteBody', message: 'request body failed: connection reset' }));
});

it('detach drains the unread rest instead of destroying the request', async () => {
  const req = fakeRequest();
  const reader = new RequestBodyReader(req, 10);
  req.write(Buffer.alloc(50));
  await tick();
  expect(req.isPaused()).toBe(true);
  reader.detach();
  req.end(Buffer.alloc(50));
  await new Promise((resolve) => req.once('end', resolve));
  expect(req.readableEnded).toBe(true);
});
