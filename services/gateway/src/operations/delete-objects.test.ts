import { S3Error } from '@excloud/s3-protocol';
import { parseDeleteRequest } from './delete-objects';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return (err as S3Error).code;
  }
};

describe('parseDeleteRequest', () => {
  it('reads keys, version ids and quiet mode', () => {
    const r = parseDeleteRequest('<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet><Object><Key>a &amp; b</Key></Object><Object><Key>c</Key><VersionId>v1</VersionId></Object></Delete>');
    expect(r).toEqual({ quiet: true, targets: [{ key: 'a & b' }, { key: 'c', versionId: 'v1' }] });
  });

  it('keeps a single object and whitespace in keys', () => {
    expect(parseDeleteRequest('<Delete><Object><Key> spaced </Key></Object></Delete>').targets).toEqual([{ key: ' spaced ' }]);
  });

  it('answers MalformedXML for broken, empty and oversized requests', () => {
    expect(codeOf(() => parseDeleteRequest('<Delete><Object><Key>a</Key></Delete>'))).toBe('MalformedXML');
    expect(codeOf(() => parseDeleteRequest('not xml'))).toBe('MalformedXML');
    expect(codeOf(() => parseDeleteRequest('<Delete></Delete>'))).toBe('MalformedXML');
    const many = '<Delete>' + Array.from({ length: 1001 }, (_, i) => `<Object><Key>k${i}</Key></Object>`).join('') + '</Delete>';
    expect(codeOf(() => parseDeleteRequest(many))).toBe('MalformedXML');
    const max = '<Delete>' + Array.from({ length: 1000 }, (_, i) => `<Object><Key>k${i}</Key></Object>`).join('') + '</Delete>';
    expect(parseDeleteRequest(max).targets).toHaveLength(1000);
  });
});
