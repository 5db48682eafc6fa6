// Response bodies of node:http/https without a frame under the app's handlers.
//
// Node's HTTP parser calls `parser[kOnBody](chunk)` (`parserOnBody` in lib/_http_common.js) for each body
// chunk and `parser[kOnMessageComplete]()` at the end; those call `incoming.push(chunk)` / `push(null)`,
// which emit 'data' (and, at the end, 'readable' or buffered 'data') synchronously. A hook anywhere on that
// path (a `push` wrapper, a wrapper of `parserOnBody`) is an ancestor of the app's handler: one more frame
// in an error the handler throws, which at `Error.stackTraceLimit` 10 pushes one of the app's out.
//
// So wiretap does not wrap: it puts a stand-in for each of the two functions on the parser, made from
// Node's own source text (`Function.prototype.toString`) with one call added on the line before the
// `push`, which sees the chunk and returns before `push` is called. The stand-in is compiled under Node's
// file name and at Node's line, so its frame is the one Node's function would have made, to the column:
// `at HTTPParser.parserOnBody (node:_http_common:130:24)`. Every step is checked, and anything unexpected
// (another Node version's source, a free variable we cannot supply, a frame that differs) gives
// `undefined`: the caller then falls back to the `push` hook (one frame, as before).
import vm = require('node:vm');

/** Called with the parser's `incoming` message and the chunk, before Node pushes it; must not throw. */
export type BodyObserver = (incoming: object, chunk: Buffer) => void;
/** Called with the parser's `incoming` message before Node pushes the end (null); must not throw. */
export type CompleteObserver = (incoming: object) => void;

export interface ParserStandIns {
  onBody: (this: unknown, chunk: Buffer) => unknown;
  onMessageComplete: (this: unknown) => unknown;
}

/** What the stand-ins may refer to besides their own locals: the free variables of Node's two functions. */
type Scope = Record<string, unknown>;

const OBSERVER = 'wiretapObserve';
const KEYWORDS = new Set(['function', 'const', 'let', 'var', 'if', 'else', 'return', 'null', 'this', 'true', 'false', 'undefined', 'typeof', 'void', 'new']);

interface Site {
  file: string;
  line: number;
  column: number;
}

/** The position Node reports for the `push` call inside `fn`, found by calling `fn` on a stand-in parser. */
function pushSite(fn: (...args: unknown[]) => unknown, args: unknown[]): { site: Site | undefined; observedFirst: boolean } {
  let stack: string | undefined;
  let observed = false;
  let observedFirst = false;
  const incoming = {
    _dumped: false,
    complete: false,
    _addHeaderLines() {},
    push() {
      observedFirst = observed;
      stack = new Error('probe').stack;
      return true;
    },
  };
  const parser = { incoming, socket: null, _headers: [], _url: '' };
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 3;
    probeObserver = () => {
      observed = true;
    };
    fn.apply(parser, args);
  } finally {
    Error.stackTraceLimit = limit;
    probeObserver = undefined;
  }
  // "Error: probe", "at Object.push (this file)", "at Object.<name> (<file>:<line>:<col>)"
  const frame = stack?.split('\n')[2];
  const m = frame && /\((.*):(\d+):(\d+)\)$/.exec(frame);
  return { site: m ? { file: m[1], line: Number(m[2]), column: Number(m[3]) } : undefined, observedFirst };
}

let probeObserver: (() => void) | undefined;

/** Identifiers a function's source refers to that are neither its own (params, locals) nor keywords. */
export function freeNames(source: string): string[] {
  const code = source.replace(/\/\/[^\n]*/g, '').replace(/'(?:[^'\\\n]|\\.)*'/g, "''");
  const own = new Set<string>();
  const params = /^function\s+([\w$]+)\s*\(([^)]*)\)/.exec(code);
  if (!params) return ['<not a plain function>'];
  own.add(params[1]);
  for (const p of params[2].split(',')) if (p.trim()) own.add(p.trim());
  for (const m of code.matchAll(/\b(?:const|let|var)\s+([\w$]+)/g)) own.add(m[1]);
  const free = new Set<string>();
  for (const m of code.matchAll(/(?<![.\w$])[A-Za-z_$][\w$]*/g)) {
    if (!own.has(m[0]) && !KEYWORDS.has(m[0])) free.add(m[0]);
  }
  return [...free];
}

/**
 * Node's function source with `wiretapObserve(<args>);` added on the line before the one that holds
 * `pushCall`, at its end (after `{` or `;`) or in place of a whole-line comment, so the lines and the
 * `push` column stay where they were. Undefined if the source does not have that shape.
 */
export function withObserver(source: string, pushCall: string, observeArgs: string): string | undefined {
  const at = source.indexOf(pushCall);
  if (at < 0 || source.indexOf(pushCall, at + 1) >= 0) return undefined;
  const lineStart = source.lastIndexOf('\n', at) + 1;
  if (lineStart === 0) return undefined;
  const prevStart = source.lastIndexOf('\n', lineStart - 2) + 1;
  const prev = source.slice(prevStart, lineStart - 1);
  const call = `${OBSERVER}(${observeArgs});`;
  const trimmed = prev.trim();
  let line: string;
  if (trimmed.startsWith('//')) line = prev.slice(0, prev.indexOf('//')) + call;
  else if ((trimmed.endsWith('{') || trimmed.endsWith(';')) && !trimmed.includes('//')) line = `${prev} ${call}`;
  else return undefined;
  return source.slice(0, prevStart) + line + source.slice(lineStart - 1);
}

function compile(source: string, file: string, lineOffset: number, scope: Scope, observer: unknown): ((...args: unknown[]) => unknown) | undefined {
  const names = Object.keys(scope);
  // Line 1: the scope's parameters; the function itself starts on line 2.
  const text = `(function (${[...names, OBSERVER].join(', ')}) { 'use strict';\nreturn ${source};\n})`;
  const factory = vm.runInThisContext(text, { filename: file, lineOffset }) as (...args: unknown[]) => (...args: unknown[]) => unknown;
  const fn = factory(...names.map((n) => scope[n]), observer);
  return typeof fn === 'function' ? fn : undefined;
}

/**
 * One stand-in: Node's `original` with the observer before its `push`, whose `push` frame matches the
 * original's. `observer` is called as `wiretapObserve(<observeArgs>)` in the stand-in.
 */
function standIn(original: unknown, pushCall: string, observeArgs: string, probeArgs: unknown[], scope: Scope, observer: (...args: any[]) => void): ((...args: unknown[]) => unknown) | undefined {
  if (typeof original !== 'function') return undefined;
  const source = Function.prototype.toString.call(original);
  const free = freeNames(source);
  if (free.some((n) => !(n in scope))) return undefined;
  const changed = withObserver(source, pushCall, observeArgs);
  if (!changed) return undefined;
  const target = pushSite(original as (...args: unknown[]) => unknown, probeArgs).site;
  if (!target) return undefined;
  // Compile once where it lands, then again moved to the original's line; the column is the source's own.
  const probeObserve = (..._args: unknown[]) => probeObserver?.();
  const first = compile(changed, target.file, 0, scope, probeObserve);
  const placed = first && pushSite(first, probeArgs).site;
  if (!placed || placed.column !== target.column) return undefined;
  const lineOffset = target.line - placed.line;
  const check = compile(changed, target.file, lineOffset, scope, probeObserve);
  const probe = check && pushSite(check, probeArgs);
  if (!probe?.site || !probe.observedFirst || probe.site.file !== target.file || probe.site.line !== target.line || probe.site.column !== target.column) return undefined;
  return compile(changed, target.file, lineOffset, scope, observer);
}

/**
 * Stand-ins for `parser[kOnBody]` and `parser[kOnMessageComplete]` (the functions Node put on `parser`),
 * or undefined where they cannot be made exactly. `scope` supplies Node's free variables (`readStop`,
 * `readStart`, `kSkipPendingData`).
 */
export function parserStandIns(onBody: unknown, onMessageComplete: unknown, scope: Scope, observeBody: BodyObserver, observeComplete: CompleteObserver): ParserStandIns | undefined {
  const body = standIn(onBody, 'stream.push(b)', 'stream, b', [Buffer.alloc(0)], scope, observeBody);
  const complete = standIn(onMessageComplete, 'stream.push(null)', 'stream', [], scope, observeComplete);
  if (!body || !complete) return undefined;
  return { onBody: body, onMessageComplete: complete };
}
