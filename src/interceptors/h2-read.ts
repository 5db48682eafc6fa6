// node:http2 response bodies without a frame under the app's handlers (see parser-body.ts for http/https).
//
// Node hands each chunk a client stream reads to `handle.onread` (`onStreamRead` in
// lib/internal/stream_base_commons.js), which pushes it into the stream; 'data' and pipe destinations run
// synchronously under that push. onStreamRead reads the chunk's length and offset from an internal shared
// array that no public API reaches, so wiretap cannot rebuild it from its source as it does the HTTP/1
// parser's callbacks. Instead the stand-in lets Node's own onStreamRead do the reading on a stand-in
// stream that only records what it would push (a sibling call, returned before anything is pushed), then
// does what onStreamRead does with that chunk on the real stream, with its push at Node's file, line and
// column: `at Http2Stream.onStreamRead (node:internal/stream_base_commons:191:23)`. Anything but a data
// chunk (the end, an error, a destroyed stream) goes to Node's function itself: there, a handler Node runs
// synchronously at the end (a 'readable' at EOF) has one frame more. Every step is checked at the first
// stream; otherwise `undefined` and the caller keeps its push hook.
import vm = require('node:vm');
import { getSystemErrorName } from 'node:util';

type OnRead = (this: object, arrayBuffer: unknown) => unknown;

export interface H2ReadHooks {
  /** Called with the stream and each data chunk before it is pushed; must not throw. */
  onChunk(stream: object, chunk: Buffer): void;
  /** Called with the stream at the end of its data (EOF read), before Node pushes the end; must not throw. */
  onEnd(stream: object): void;
}

const NOT_PUSHED = Symbol('not pushed');
class Abort {}

interface Learned {
  ownerKey: symbol;
  updateTimerKey: symbol;
  file: string;
  line: number;
  column: number;
}

function symbolNamed(o: object, description: string): symbol | undefined {
  return Object.getOwnPropertySymbols(o).find((s) => s.description === description);
}

/** Where Node's onStreamRead pushes a chunk, from one call that stops at its first step (`kUpdateTimer`). */
function learn(nodeOnRead: OnRead, handle: object): Learned | undefined {
  const ownerKey = symbolNamed(handle, 'owner_symbol');
  if (!ownerKey) return undefined;
  const source = Function.prototype.toString.call(nodeOnRead);
  const lines = source.split('\n');
  const timerAt = lines.findIndex((l) => l.trim() === 'stream[kUpdateTimer]();');
  const pushAt = lines.findIndex((l) => /^\s*result = stream\.push\(buf\);$/.test(l));
  if (timerAt < 1 || pushAt <= timerAt || lines.filter((l) => l.includes('stream.push(buf)')).length !== 1) return undefined;
  let updateTimerKey: symbol | undefined;
  let stack: string | undefined;
  const probeStream = new Proxy(
    {},
    {
      get(_t, key) {
        if (typeof key === 'symbol' && key.description === 'kUpdateTimer') {
          updateTimerKey = key;
          return () => {
            stack = new Error('probe').stack;
            throw new Abort();
          };
        }
        return undefined;
      },
    },
  );
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 3;
    nodeOnRead.call({ [ownerKey]: probeStream }, undefined);
  } catch (err) {
    if (!(err instanceof Abort)) return undefined;
  } finally {
    Error.stackTraceLimit = limit;
  }
  const m = stack && /\((.*):(\d+):(\d+)\)$/.exec(stack.split('\n')[2] ?? '');
  if (!m || !updateTimerKey) return undefined;
  // toString is the exact source slice, so lines keep their distance; V8 reports a method call at its name.
  return { ownerKey, updateTimerKey, file: m[1], line: Number(m[2]) + (pushAt - timerAt), column: lines[pushAt].indexOf('push') + 1 };
}

// The stand-in's text: `result = stream.push(buf);` on line PUSH_LINE (0-based) of the script, padded to
// Node's column. The rest mirrors onStreamRead's data branch.
function standInText(column: number): { text: string; pushLine: number } | undefined {
  const pad = column - 1 - 'result = stream.'.length;
  if (pad < 0) return undefined;
  const head = [
    "(function (readChunk, delegate, onChunk, ownerKey, updateTimerKey, errnoError) { 'use strict';",
    'return function onStreamRead(arrayBuffer) {',
    '  const handle = this;',
    '  const buf = readChunk(arrayBuffer);',
    '  const stream = handle[ownerKey];',
    '  if (buf === undefined || stream.destroyed) return delegate(handle, arrayBuffer);',
    '  stream[updateTimerKey]();',
    '  onChunk(stream, buf);',
    '  let result;',
  ];
  const tail = [
    '  if (!result) {',
    '    handle.reading = false;',
    '    if (!stream.destroyed) {',
    '      const err = handle.readStop();',
    "      if (err) stream.destroy(errnoError(err, 'read'));",
    '    }',
    '  }',
    '  return undefined;',
    '};',
    '})',
  ];
  return { text: [...head, `${' '.repeat(pad)}result = stream.push(buf);`, ...tail].join('\n'), pushLine: head.length };
}

/** Node's ErrnoException as far as the public API allows (only for a failed readStop after a push). */
function errnoError(errno: number, syscall: string): Error {
  const code = getSystemErrorName(errno);
  return Object.assign(new Error(`${syscall} ${code}`), { errno, code, syscall });
}

/**
 * A stand-in for Node's `handle.onread` of http2 streams (`nodeOnRead`, seen on `handle`), or undefined
 * where it cannot be made exactly.
 */
export function h2ReadStandIn(nodeOnRead: unknown, handle: object, hooks: H2ReadHooks): OnRead | undefined {
  if (typeof nodeOnRead !== 'function') return undefined;
  const original = nodeOnRead as OnRead;
  const learned = learn(original, handle);
  if (!learned) return undefined;
  const shape = standInText(learned.column);
  if (!shape) return undefined;
  const lineOffset = learned.line - 1 - shape.pushLine;
  if (lineOffset < 0) return undefined;

  // Node's function on a stand-in stream: what it would push, or undefined (no data chunk). At the end of
  // the data it pushes null: that is the end, reported before Node's own function runs on the real stream.
  let pushed: unknown = NOT_PUSHED;
  const recorder = {
    [learned.updateTimerKey]() {},
    destroyed: false,
    _readableState: { endEmitted: false },
    push(chunk: unknown) {
      pushed = chunk;
      return true;
    },
    read() {
      return null;
    },
    destroy() {},
    on() {},
  };
  const recordingHandle = { [learned.ownerKey]: recorder };
  let atEnd = false;
  const readChunk = (arrayBuffer: unknown): Buffer | undefined => {
    pushed = NOT_PUSHED;
    original.call(recordingHandle, arrayBuffer);
    const chunk = pushed;
    pushed = NOT_PUSHED;
    if (chunk instanceof Uint8Array) return chunk as Buffer;
    atEnd = chunk === null;
    return undefined;
  };
  const delegate = (realHandle: object, arrayBuffer: unknown): unknown => {
    if (atEnd) {
      atEnd = false;
      const stream = (realHandle as Record<symbol, object>)[learned.ownerKey];
      if (stream) hooks.onEnd(stream);
    }
    return original.call(realHandle, arrayBuffer);
  };

  const compile = (read: typeof readChunk, onChunk: (s: object, b: Buffer) => void): OnRead =>
    (vm.runInThisContext(shape.text, { filename: learned.file, lineOffset }) as (...a: unknown[]) => OnRead)(read, delegate, onChunk, learned.ownerKey, learned.updateTimerKey, errnoError);

  // Check the frame: a stand-in on a fake stream whose push records where it was called from.
  let site: string | undefined;
  let seen: Buffer | undefined;
  const probe = compile(
    () => Buffer.from('probe'),
    (_s, b) => (seen = b),
  );
  const fakeStream = {
    destroyed: false,
    [learned.updateTimerKey]() {},
    push() {
      site = new Error('probe').stack?.split('\n')[2];
      return true;
    },
  };
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 3;
    probe.call({ [learned.ownerKey]: fakeStream }, undefined);
  } finally {
    Error.stackTraceLimit = limit;
  }
  if (!seen || !site?.endsWith(`(${learned.file}:${learned.line}:${learned.column})`)) return undefined;
  return compile(readChunk, hooks.onChunk);
}
