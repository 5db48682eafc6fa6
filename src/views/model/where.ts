// The `--where` language and `--grep`. A clause is one of:
//   error | unfinished | retried                         flags (prefix with ! to negate)
//   duration>200ms   (> >= < <= = !=, units ns us ms s m)
//   service=DynamoDB  (the calling service or the peer called), name~regex, kind=server, trace=<id>
//   db.collection.name=orders, http.response.status_code>=500, attr~regex, attr!~regex, attr (exists)
// Clauses are separated by spaces, commas or "and"; several --where options add clauses. A transaction
// matches when one of its spans matches every clause. Parse errors are WhereSyntaxError with a message.
import { operationOf, peerOf } from './describe';
import { parseDuration } from './stats';
import type { AttrValue, CompareOp, Filter, Span, Transaction } from './types';

export class WhereSyntaxError extends Error {}

const FLAGS: Record<string, Filter['kind']> = { error: 'error', errors: 'error', failed: 'error', unfinished: 'unfinished', incomplete: 'unfinished', retried: 'retried', retry: 'retried' };

/** Splits on whitespace/commas/"and", keeping quoted values (`name="POST /checkout"`) and `a > b` together. */
function tokens(text: string): string[] {
  const raw: string[] = [];
  let cur = '';
  let quote = '';
  for (const ch of text) {
    if (quote) {
      cur += ch;
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur += ch;
    } else if (/[\s,]/.test(ch)) {
      if (cur) raw.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quote) throw new WhereSyntaxError(`unbalanced quote in --where "${text}"`);
  if (cur) raw.push(cur);
  // Re-join clauses written with spaces around the operator: `duration > 200ms`.
  const out: string[] = [];
  for (const t of raw) {
    const prev = out[out.length - 1];
    if (prev !== undefined && (/^(!~|>=|<=|!=|~|>|<|=)/.test(t) || /(!~|>=|<=|!=|~|>|<|=)$/.test(prev))) out[out.length - 1] = prev + t;
    else if (t.toLowerCase() !== 'and') out.push(t);
  }
  return out;
}

function unquote(v: string): string {
  return /^(["']).*\1$/.test(v) ? v.slice(1, -1) : v;
}

/** One filter per clause; `negate` flags are expressed as attr ops or wrapped. */
export type WhereClause = Filter & { negate?: boolean };

export function parseWhere(text: string): WhereClause[] {
  const clauses: WhereClause[] = [];
  for (const token of tokens(text)) {
    const negate = token.startsWith('!') && !token.includes('=') && !token.includes('~');
    const bare = negate ? token.slice(1) : token;
    if (FLAGS[bare.toLowerCase()]) {
      clauses.push({ kind: FLAGS[bare.toLowerCase()] as 'error', ...(negate ? { negate } : {}) });
      continue;
    }
    const m = /^([A-Za-z_@][\w.@\-/]*)\s*(!~|>=|<=|!=|~|>|<|=)\s*(.*)$/.exec(token);
    if (!m) {
      if (/^[A-Za-z_@][\w.@\-/]*$/.test(bare)) {
        clauses.push({ kind: 'attr', key: bare, op: 'exists', ...(negate ? { negate } : {}) });
        continue;
      }
      throw new WhereSyntaxError(`cannot read "${token}" in --where: expected e.g. duration>200ms, error, service=DynamoDB, db.collection.name=orders, attr~regex`);
    }
    const [, key, op, rawValue] = m;
    const value = unquote(rawValue);
    if (value === '') throw new WhereSyntaxError(`"${token}" in --where has no value after "${op}"`);
    if (key === 'duration') {
      const ms = parseDuration(value);
      if (ms === undefined) throw new WhereSyntaxError(`"${value}" in "${token}" is not a duration (e.g. 200ms, 1.5s)`);
      if (op === '~' || op === '!~') throw new WhereSyntaxError(`duration takes a comparison (> >= < <= = !=), not "${op}"`);
      clauses.push({ kind: 'duration', op: op as CompareOp, ms });
      continue;
    }
    if (op === '~' || op === '!~') {
      let regex: RegExp;
      try {
        regex = new RegExp(value, 'i');
      } catch (err) {
        throw new WhereSyntaxError(`bad regular expression in "${token}": ${(err as Error).message}`);
      }
      clauses.push({ kind: 'attr', key, op, value, regex });
      continue;
    }
    if ((op === '>' || op === '>=' || op === '<' || op === '<=') && !Number.isFinite(Number(value)) && parseDuration(value) === undefined) {
      throw new WhereSyntaxError(`"${token}" in --where compares with "${op}", which needs a number`);
    }
    clauses.push({ kind: 'attr', key, op: op as CompareOp, value });
  }
  return clauses;
}

function texts(v: AttrValue | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap(texts);
  if (typeof v === 'object') return Object.values(v).flatMap(texts);
  return [String(v)];
}

/** The values a key stands for on a span: pseudo-fields first, else the attribute, else the resource attribute. */
function fieldValues(span: Span, key: string): string[] {
  switch (key) {
    case 'service':
      return [span.service, peerOf(span)];
    case 'peer':
      return [peerOf(span)];
    case 'operation':
      return [operationOf(span), `${peerOf(span)}.${operationOf(span)}`];
    case 'name':
      return [span.name];
    case 'kind':
      return [span.kindName];
    case 'trace':
    case 'traceId':
      return [span.traceId];
    case 'span':
    case 'spanId':
      return [span.spanId];
    case 'status':
      return [span.error ? 'error' : 'ok'];
  }
  if (key in span.attributes) return texts(span.attributes[key]);
  if (key in span.resource) return texts(span.resource[key]);
  return [];
}

function compareNumbers(a: number, op: CompareOp, b: number): boolean {
  switch (op) {
    case '=': return a === b;
    case '!=': return a !== b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '<': return a < b;
    case '<=': return a <= b;
  }
}

export function spanMatches(span: Span, clause: WhereClause): boolean {
  const result = ((): boolean => {
    switch (clause.kind) {
      case 'error': return span.error;
      case 'unfinished': return span.incomplete;
      case 'retried': {
        const r = span.attributes['http.request.resend_count'];
        const a = span.attributes['wiretap.aws.attempts'];
        return (typeof r === 'number' && r > 0) || (typeof a === 'number' && a > 1);
      }
      case 'duration': return compareNumbers(span.durationMs, clause.op, clause.ms);
      case 'attr': {
        const vals = fieldValues(span, clause.key);
        if (clause.op === 'exists') return vals.length > 0;
        if (clause.op === '~') return vals.some((v) => clause.regex!.test(v));
        if (clause.op === '!~') return !vals.some((v) => clause.regex!.test(v));
        const want = String(clause.value);
        if (clause.op === '=') return vals.some((v) => v === want || v.toLowerCase() === want.toLowerCase());
        if (clause.op === '!=') return !vals.some((v) => v === want || v.toLowerCase() === want.toLowerCase());
        const n = Number.isFinite(Number(want)) ? Number(want) : (parseDuration(want) as number);
        return vals.some((v) => Number.isFinite(Number(v)) && compareNumbers(Number(v), clause.op as CompareOp, n));
      }
    }
  })();
  return clause.negate ? !result : result;
}

/** One span matches every clause. */
export function spanMatchesAll(span: Span, clauses: WhereClause[]): boolean {
  return clauses.every((c) => spanMatches(span, c));
}

export function transactionMatches(t: Transaction, clauses: WhereClause[]): boolean {
  return clauses.length === 0 || t.spans.some((s) => spanMatchesAll(s, clauses));
}

/** `--grep`: case-insensitive text in a name, an attribute value (bodies included), an event or the ids. */
export function spanContainsText(span: Span, text: string): boolean {
  const needle = text.toLowerCase();
  const has = (s: string) => s.toLowerCase().includes(needle);
  if (has(span.name) || span.traceId === needle || span.spanId === needle) return true;
  for (const v of Object.values(span.attributes)) if (texts(v).some(has)) return true;
  for (const e of span.events) if (has(e.name) || Object.values(e.attributes).some((v) => texts(v).some(has))) return true;
  return false;
}

export function transactionContainsText(t: Transaction, text: string): boolean {
  return t.spans.some((s) => spanContainsText(s, text));
}
