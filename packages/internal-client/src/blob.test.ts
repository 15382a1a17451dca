import { PassThrough } from 'node:stream';
import { collectBody } from './blob';

describe('collectBody', () => {
  it('resolves with every chunk of the body, in order', async () => {
    const body = new PassThrough();
    const whole = collectBody(body);
    body.write(Buffer.from('small '));
    body.write(Buffer.from('object'));
    body.end(Buffer.from(' body'));
    expect((await whole).toString()).toBe('small object body');
  });

  it("rejects with the source's error", async () => {
    const body = new PassThrough();
    const whole = collectBody(body);
    body.write(Buffer.from('part'));
    body.destroy(new Error('blob connection reset'));
    await expect(whole).rejects.toThrow('blob connection reset');
  });

  it('rejects when the body closes before its end, also when it was closed before gathering began', async () => {
    const body = new PassThrough();
    const whole = collectBody(body);
    body.write(Buffer.from('part'));
    body.destroy();
    await expect(whole).rejects.toMatchObject({ code: 'IncompleteBody' });
    const gone = new PassThrough();
    gone.destroy();
    await new Promise((r) => setImmediate(r));
    await expect(collectBody(gone)).rejects.toMatchObject({ code: 'IncompleteBody' });
  });
});
