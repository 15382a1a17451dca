import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

// Control characters other than tab/newline/CR are not representable in XML 1.0: S3 escapes
// them as character references, which keeps keys with odd bytes listable.
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']|[\u0000-\u0008\u000b\u000c\u000e-\u001f]|\r/g, (c) =>
    XML_ESCAPES[c] ?? `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`,
  );
}

export type XmlValue = string | number | boolean | XmlNode | XmlValue[] | null | undefined;
export interface XmlNode {
  [tag: string]: XmlValue;
}

/** Render a node tree; arrays repeat the tag, null/undefined are omitted. */
export function toXml(rootTag: string, body: XmlNode, opts: { xmlns?: boolean } = { xmlns: true }): string {
  const ns = opts.xmlns === false ? '' : ` xmlns="${S3_XMLNS}"`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${rootTag}${ns}>${renderChildren(body)}</${rootTag}>`;
}

function renderChildren(node: XmlNode): string {
  let out = '';
  for (const [tag, value] of Object.entries(node)) out += renderValue(tag, value);
  return out;
}

function renderValue(tag: string, value: XmlValue): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => renderValue(tag, v)).join('');
  if (typeof value === 'object') return `<${tag}>${renderChildren(value)}</${tag}>`;
  return `<${tag}>${escapeXml(String(value))}</${tag}>`;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  // Numeric character references (&#34; — rclone writes ETag quotes that way) must decode; &amp; is decoded last, never twice.
  htmlEntities: true,
});

/** Parse a request body; throws on malformed XML so callers can answer MalformedXML. */
export function parseXml(text: string): Record<string, unknown> {
  if (!text.trim().startsWith('<')) throw new Error('not XML');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`malformed XML: ${valid.err.msg}`);
  return parser.parse(text) as Record<string, unknown>;
}
