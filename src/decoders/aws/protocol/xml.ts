// XML bodies (awsQuery, ec2Query, restXml), parsed with fast-xml-parser loaded on the first XML body.
type XmlParse = (text: string) => Record<string, unknown>;
let parse: XmlParse | null | undefined;

function loadParser(): XmlParse | null {
  if (parse !== undefined) return parse;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { XMLParser } = require('fast-xml-parser') as typeof import('fast-xml-parser');
    const parser = new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false, trimValues: true, processEntities: true });
    parse = (text) => parser.parse(text) as Record<string, unknown>;
  } catch {
    parse = null;
  }
  return parse;
}

/** The parsed document, or undefined when it is not (well-formed) XML. */
export function parseXml(text: string | undefined): Record<string, unknown> | undefined {
  if (!text || text.charCodeAt(0) !== 60 /* < */ && !text.trimStart().startsWith('<')) return undefined;
  const p = loadParser();
  if (!p) return undefined;
  try {
    return p(text);
  } catch {
    return undefined;
  }
}

/** Follows a path of element names; returns the string content found, if any. */
export function xmlText(doc: unknown, ...path: string[]): string | undefined {
  let node: unknown = doc;
  for (const name of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[name];
    if (Array.isArray(node)) node = node[0];
  }
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  return undefined;
}

/** The root element's name and content. */
export function xmlRoot(doc: Record<string, unknown> | undefined): [string, unknown] | undefined {
  if (!doc) return undefined;
  for (const key of Object.keys(doc)) if (key !== '?xml') return [key, doc[key]];
  return undefined;
}
