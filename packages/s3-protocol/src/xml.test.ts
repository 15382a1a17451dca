import { escapeXml, parseXml, toXml } from './xml';
import { S3Error, renderErrorXml } from './errors';

describe('xml', () => {
  it('escapes markup and control characters', () => {
    expect(escapeXml(`a<b>&"'`)).toBe('a&lt;b&gt;&amp;&quot;&apos;');
    expect(escapeXml('x\u0001y\rz')).toBe('x&#x1;y&#xD;z');
  });

  it('renders arrays as repeated tags and skips undefined', () => {
    const xml = toXml('R', { A: ['1', '2'], B: undefined, C: { D: 3 } });
    expect(xml).toContain('<R xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><A>1</A><A>2</A><C><D>3</D></C></R>');
  });

  it('rejects malformed xml', () => {
    expect(() => parseXml('<Delete><Object>')).toThrow();
    expect(() => parseXml('nope')).toThrow();
    expect(parseXml('<Delete><Object><Key>a&amp;b</Key></Object></Delete>')).toEqual({ Delete: { Object: { Key: 'a&b' } } });
  });
});

describe('S3Error', () => {
  it('takes status and message from the table and round-trips over the wire', () => {
    const err = new S3Error('NoSuchKey', undefined, { Key: 'a<b' });
    expect(err.status).toBe(404);
    const back = S3Error.fromWire(JSON.parse(JSON.stringify(err.toWire())), 500);
    expect(back).toMatchObject({ code: 'NoSuchKey', status: 404, fields: { Key: 'a<b' } });
    expect(renderErrorXml(err, 'req1')).toContain('<Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a&lt;b</Key>');
  });

  it('turns an unknown wire error into InternalError', () => {
    expect(S3Error.fromWire({ error: { code: 'Bogus' } }, 502).code).toBe('InternalError');
  });
});

describe('parseXml entities', () => {
  it('decodes numeric character references (rclone quotes ETags with &#34;) without double-decoding &amp;', () => {
    const doc = parseXml('<Part><ETag>&#34;abc&#34;</ETag><Key>&amp;#34; &amp;amp; &#x41;</Key></Part>') as { Part: { ETag: string; Key: string } };
    expect(doc.Part.ETag).toBe('"abc"');
    expect(doc.Part.Key).toBe('&#34; &amp; A');
  });
});
