// Compiled route tables: `[METHOD, '/v1/customers/{id}', name]` rows become one segment tree per method,
// so resolving a path costs one walk over its segments whatever the table size. Literal segments win over
// parameters (`/v1/customers/search` before `/v1/customers/{id}`), with backtracking when a literal leads
// nowhere.

export type RouteRow = readonly [method: string, template: string, name: string];

interface Leaf {
  name: string;
  params: string[];
}

interface Node {
  literal?: Map<string, Node>;
  param?: Node;
  leaf?: Leaf;
}

export type RouteTable = ReadonlyMap<string, Node>;

export interface RouteMatch {
  name: string;
  /** Path parameters in path order, values URL-decoded: `[['customer', 'cus_1'], ['id', 'card_2']]`. */
  params: [string, string][];
}

const PARAM = /^\{(.+)\}$/;

/** Splits a path into segments, dropping the leading and any trailing slash. */
export function segments(path: string): string[] {
  const parts = path.split('/');
  if (parts[0] === '') parts.shift();
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export function compileRoutes(rows: readonly RouteRow[]): RouteTable {
  const table = new Map<string, Node>();
  for (const [method, template, name] of rows) {
    let node = table.get(method);
    if (!node) table.set(method, (node = {}));
    const params: string[] = [];
    for (const seg of segments(template)) {
      const p = PARAM.exec(seg);
      if (p) {
        params.push(p[1]);
        node = node.param ??= {};
      } else {
        node.literal ??= new Map();
        let next = node.literal.get(seg);
        if (!next) node.literal.set(seg, (next = {}));
        node = next;
      }
    }
    node.leaf ??= { name, params };
  }
  return table;
}

function walk(node: Node, segs: string[], i: number, values: string[]): Leaf | undefined {
  if (i === segs.length) return node.leaf;
  const lit = node.literal?.get(segs[i]);
  if (lit) {
    const found = walk(lit, segs, i + 1, values);
    if (found) return found;
  }
  if (node.param && segs[i] !== '') {
    values.push(segs[i]);
    const found = walk(node.param, segs, i + 1, values);
    if (found) return found;
    values.pop();
  }
  return undefined;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The route a method + path resolves to, or undefined. */
export function resolveRoute(table: RouteTable, method: string, path: string): RouteMatch | undefined {
  const root = table.get(method);
  if (!root) return undefined;
  const values: string[] = [];
  const leaf = walk(root, segments(path), 0, values);
  if (!leaf) return undefined;
  return { name: leaf.name, params: leaf.params.map((p, i) => [p, decode(values[i])] as [string, string]) };
}
