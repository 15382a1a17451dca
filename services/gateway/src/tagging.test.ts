import { parseTaggingQuery, parseTaggingXml, renderTagging } from './tagging';
import { codeOfCall } from './testing/fake-context';


describe('object tags', () => {
  it('reads the x-amz-tagging header (URL query encoding) and the Tagging document', () => {
    expect(parseTaggingQuery('a=1&b=two%20words&c=&d')).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: 'two words' },
      { key: 'c', value: '' },
      { key: 'd', value: '' },
    ]);
    const tags = [{ key: 'Project', value: 'Blue' }, { key: 'ünïcode key', value: 'a+b=c/d:e@f' }];
    expect(parseTaggingXml(renderTagging(tags))).toEqual(tags);
    expect(parseTaggingXml('<Tagging><TagSet/></Tagging>')).toEqual([]);
  });

  it('applies S3 limits with InvalidTag', () => {
    const n = (count: number) => Array.from({ length: count }, (_, i) => `k${i}=v`).join('&');
    expect(codeOfCall(() => parseTaggingQuery(n(10)))).toBe('ok');
    expect(codeOfCall(() => parseTaggingQuery(n(11)))).toBe('InvalidTag');
    expect(codeOfCall(() => parseTaggingQuery(`${'k'.repeat(129)}=v`))).toBe('InvalidTag');
    expect(codeOfCall(() => parseTaggingQuery(`k=${'v'.repeat(257)}`))).toBe('InvalidTag');
    expect(codeOfCall(() => parseTaggingQuery('k=1&k=2'))).toBe('InvalidTag');
    expect(codeOfCall(() => parseTaggingQuery('=v'))).toBe('InvalidTag');
    expect(codeOfCall(() => parseTaggingQuery('k=%3Cscript%3E'))).toBe('InvalidTag');
    expect(codeOfCall(() => parseTaggingQuery('k=%E0%A4%A'))).toBe('InvalidArgument');
    expect(codeOfCall(() => parseTaggingXml('<Tagging><Tag/></Tagging>'))).toBe('MalformedXML');
  });
});
