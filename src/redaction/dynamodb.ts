// DynamoDB expressions hide attribute names behind placeholders: `SET #p = :v` with
// `ExpressionAttributeNames: {"#p": "password"}` puts the password in `ExpressionAttributeValues[":v"]`,
// under a key that says nothing. This finds the value placeholders that stand for a sensitive attribute.

const EXPRESSION = /"(?:Update|Condition|KeyCondition|Filter)Expression"\s*:\s*"((?:[^"\\]|\\.)*)/g;
const NAMES_BLOCK = /"ExpressionAttributeNames"\s*:\s*\{([^}]*)/g;
const NAME_ENTRY = /"(#[^"]+)"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
const TOKEN = /[#:]?[A-Za-z_][\w.-]*|[#:][\w-]+/g;
const KEYWORDS = new Set(['set', 'remove', 'add', 'delete', 'and', 'or', 'not', 'between', 'in', 'if_not_exists', 'list_append', 'attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains', 'size']);

export interface PlaceholderAnalysis {
  /** Value placeholders (`:v`) that belong to a sensitive attribute. */
  sensitive: Set<string>;
  /** Values are present but the expressions that explain them were not seen (cut off): mask them all. */
  maskAll: boolean;
}

/** Works on the raw text so that a truncated body is analysed as far as it goes. */
export function analyseExpressions(text: string, isSensitive: (name: string) => boolean, truncated: boolean): PlaceholderAnalysis | undefined {
  if (text.indexOf('ExpressionAttributeValues') < 0) return undefined;
  const names = new Map<string, string>();
  for (const block of text.matchAll(NAMES_BLOCK)) {
    for (const entry of block[1].matchAll(NAME_ENTRY)) names.set(entry[1], entry[2]);
  }
  const sensitive = new Set<string>();
  let expressions = 0;
  for (const m of text.matchAll(EXPRESSION)) {
    expressions++;
    // A clause (between commas, AND/OR and parentheses) that mentions a sensitive attribute makes every
    // value placeholder in it sensitive: `#p = :v`, `begins_with(password, :prefix)`.
    for (const clause of clauses(m[1])) {
      const tokens = clause.match(TOKEN) ?? [];
      const touchesSecret = tokens.some((t) => {
        if (t.startsWith(':')) return false;
        if (KEYWORDS.has(t.toLowerCase())) return false;
        const resolved = t.startsWith('#') ? names.get(t) : t;
        // An alias we cannot resolve (its definition was cut off) could be anything.
        if (resolved === undefined) return truncated;
        return resolved.split('.').some((part) => isSensitive(part.replace(/\[\d+\]/g, '')));
      });
      if (touchesSecret) for (const t of tokens) if (t.startsWith(':')) sensitive.add(t);
    }
  }
  // A truncated body may have lost the expression that explains a value: mask rather than guess.
  return { sensitive, maskAll: truncated && expressions === 0 };
}

/** Splits at commas and AND/OR outside parentheses: `begins_with(a, :p)` stays one clause. */
function clauses(expression: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) {
      if (c === ',') {
        out.push(expression.slice(start, i));
        start = i + 1;
      } else {
        const m = /^\s(AND|OR)\s/i.exec(expression.slice(i, i + 5));
        if (m) {
          out.push(expression.slice(start, i));
          start = i + m[0].length;
          i += m[0].length - 1;
        }
      }
    }
  }
  out.push(expression.slice(start));
  return out;
}
