// The X-Ray trace header (`Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1`)
// as W3C ids. The invocation's trace follows the X-Ray trace id, so that the header the AWS SDK puts on
// every call from inside Lambda (recursion detection copies `_X_AMZN_TRACE_ID`) names wiretap's trace.

export interface XrayIds {
  traceId: string;
  parentId?: string;
  sampled?: boolean;
}

export function parseXrayHeader(header: string | undefined): XrayIds | undefined {
  if (!header) return undefined;
  let root: string | undefined;
  let parent: string | undefined;
  let sampled: boolean | undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 'Root') root = value;
    else if (key === 'Parent') parent = value;
    else if (key === 'Sampled') sampled = value === '1' ? true : value === '0' ? false : undefined;
  }
  const m = root ? /^1-([0-9a-f]{8})-([0-9a-f]{24})$/i.exec(root) : null;
  if (!m) return undefined;
  const traceId = (m[1]! + m[2]!).toLowerCase();
  if (/^0+$/.test(traceId)) return undefined;
  const parentId = parent && /^[0-9a-f]{16}$/i.test(parent) && !/^0+$/.test(parent) ? parent.toLowerCase() : undefined;
  return { traceId, parentId, sampled };
}
