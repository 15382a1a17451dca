import type { IncomingMessage } from 'node:http';
import type { ObjectTag } from '@excloud/contracts';
import { S3Error, parseXml, toXml } from '@excloud/s3-protocol';
import { header } from '@excloud/contracts';

/** S3's limits on object tags. */
export const MAX_TAGS = 10;
export const MAX_TAG_KEY = 128;
export const MAX_TAG_VALUE = 256;
/** Letters, numbers and spaces in any script, and + - = . _ : / @ (what S3 documents as allowed). */
const TAG_CHARS = /^[\p{L}\p{N}\p{Z}+\-=._:/@]*$/u;

/** Checks a tag set against S3's rules, with the InvalidTag messages S3 uses. */
export function validateTags(tags: ObjectTag[]): ObjectTag[] {
  if (tags.length > MAX_TAGS) throw new S3Error('InvalidTag', `Object tags cannot be greater than ${MAX_TAGS}`);
  const seen = new Set<string>();
  for (const { key, value } of tags) {
    if (key.length === 0 || !TAG_CHARS.test(key)) throw new S3Error('InvalidTag', 'The TagKey you have provided is invalid', { TagKey: key });
    if ([...key].length > MAX_TAG_KEY) throw new S3Error('InvalidTag', `The TagKey you have provided is too long, max ${MAX_TAG_KEY}`, { TagKey: key });
    if (!TAG_CHARS.test(value)) throw new S3Error('InvalidTag', 'The TagValue you have provided is invalid', { TagKey: key, TagValue: value });
    if ([...value].length > MAX_TAG_VALUE) throw new S3Error('InvalidTag', `The TagValue you have provided is too long, max ${MAX_TAG_VALUE}`, { TagKey: key, TagValue: value });
    if (seen.has(key)) throw new S3Error('InvalidTag', 'Cannot provide multiple Tags with the same key', { TagKey: key });
    seen.add(key);
  }
  return tags;
}

/** A `<Tagging><TagSet><Tag><Key/><Value/></Tag>…</TagSet></Tagging>` document (PutObjectTagging, POST form field). */
export function parseTaggingXml(text: string): ObjectTag[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseXml(text);
  } catch {
    throw new S3Error('MalformedXML');
  }
  const root = doc.Tagging as Record<string, unknown> | undefined;
  if (!root || typeof root !== 'object') throw new S3Error('MalformedXML');
  const set = root.TagSet;
  if (set === undefined) throw new S3Error('MalformedXML');
  const raw = set === '' || set === null ? [] : (set as Record<string, unknown>).Tag;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const tags = list.map((t) => {
    const tag = t as Record<string, unknown>;
    const key = tag?.Key;
    const value = tag?.Value ?? '';
    if (typeof key !== 'string' || typeof value !== 'string') throw new S3Error('MalformedXML');
    return { key, value };
  });
  return validateTags(tags);
}

/** `x-amz-tagging: k1=v1&k2=v2` (URL query encoding), or undefined when the header is absent. */
export function taggingHeader(req: IncomingMessage): ObjectTag[] | undefined {
  const raw = header(req, 'x-amz-tagging');
  if (raw === undefined) return undefined;
  return parseTaggingQuery(raw);
}

export function parseTaggingQuery(raw: string): ObjectTag[] {
  const tags: ObjectTag[] = [];
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent((eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
      value = eq === -1 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      throw taggingHeaderError();
    }
    tags.push({ key, value });
  }
  return validateTags(tags);
}

function taggingHeaderError(): S3Error {
  return new S3Error('InvalidArgument', "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.", {
    ArgumentName: 'x-amz-tagging',
  });
}

export function renderTagging(tags: ObjectTag[]): string {
  return toXml('Tagging', { TagSet: { Tag: tags.map((t) => ({ Key: t.key, Value: t.value })) } });
}

/** `x-amz-tagging-directive` of CopyObject: COPY (the default) keeps the source's tags. */
export function taggingDirective(req: IncomingMessage): 'COPY' | 'REPLACE' {
  const raw = header(req, 'x-amz-tagging-directive');
  if (raw === undefined) return 'COPY';
  const value = raw.trim().toUpperCase();
  if (value !== 'COPY' && value !== 'REPLACE') {
    throw new S3Error('InvalidArgument', 'Unknown tagging directive.', { ArgumentName: 'x-amz-tagging-directive', ArgumentValue: raw });
  }
  return value;
}
