import { expect } from 'chai';
import { freeNames, parserStandIns, withObserver } from '../../../src/interceptors/parser-body';

// Node's own two functions, taken from a parser the way the http interceptor takes them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const common = require('node:_http_common') as { parsers: { ctor: () => Record<number, unknown> }; HTTPParser: { kOnBody: number; kOnMessageComplete: number }; kSkipPendingData?: symbol };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const incoming = require('node:_http_incoming') as { readStart: unknown; readStop: unknown };
const fresh = common.parsers.ctor();
const nodeOnBody = fresh[common.HTTPParser.kOnBody] as (this: unknown, b: Buffer) => void;
const nodeOnComplete = fresh[common.HTTPParser.kOnMessageComplete] as (this: unknown) => void;
const scope = { readStop: incoming.readStop, readStart: incoming.readStart, kSkipPendingData: common.kSkipPendingData };

/** A parser-shaped object whose message records what happens to it, in order. */
function fakeParser(events: string[], pushReturns = true) {
  const message = {
    _dumped: false,
    complete: false,
    _addHeaderLines: (h: string[]) => events.push(`trailers ${h.join(',')}`),
    push: (chunk: Buffer | null) => {
      events.push(chunk === null ? 'push end' : `push ${chunk}`);
      return pushReturns;
    },
  };
  const socket = { _paused: false, readable: true, pause: () => events.push('socket pause'), resume: () => events.push('socket resume') };
  return { message, parser: { incoming: message, socket, _headers: [] as string[], _url: '' } };
}

describe('interceptors/parser-body: stand-ins for Node’s parser body callbacks', () => {
  const events: string[] = [];
  const standIns = parserStandIns(
    nodeOnBody,
    nodeOnComplete,
    scope,
    (_m, chunk) => events.push(`observe ${chunk}`),
    () => events.push('observe end'),
  );

  beforeEach(() => (events.length = 0));

  it('are made for this Node version', () => {
    expect(standIns, `Node ${process.version}`).to.not.equal(undefined);
  });

  it('see each chunk and the end before Node pushes it, and otherwise do what Node’s functions do', () => {
    for (const pushReturns of [true, false]) {
      const mine: string[] = [];
      const theirs: string[] = [];
      const a = fakeParser(mine, pushReturns);
      const b = fakeParser(theirs, pushReturns);
      a.parser._headers = ['x-trailer', '1'];
      b.parser._headers = ['x-trailer', '1'];
      events.length = 0;
      standIns!.onBody.call(a.parser, Buffer.from('abc'));
      standIns!.onMessageComplete.call(a.parser);
      nodeOnBody.call(b.parser, Buffer.from('abc'));
      nodeOnComplete.call(b.parser);
      expect(mine, 'the same effects as Node’s').to.deep.equal(theirs);
      expect(a.message.complete).to.equal(true);
      expect(a.parser._headers).to.deep.equal([]);
      expect(events).to.deep.equal(['observe abc', 'observe end']);
    }
  });

  it('do nothing for a dumped or detached message, like Node’s', () => {
    const { message, parser } = fakeParser(events);
    message._dumped = true;
    standIns!.onBody.call(parser, Buffer.from('x'));
    expect(events).to.deep.equal([]);
    (parser as { incoming: unknown }).incoming = null;
    standIns!.onBody.call(parser, Buffer.from('x'));
    standIns!.onMessageComplete.call(parser);
    expect(events).to.deep.equal(['socket resume']);
  });

  it('make the frame Node’s own function makes: name, file, line and column', () => {
    const frameOf = (fn: (this: unknown, b: Buffer) => void): string => {
      const { parser, message } = fakeParser([]);
      let stack = '';
      message.push = () => {
        stack = new Error('x').stack!;
        return true;
      };
      fn.call(parser, Buffer.from('x'));
      return stack.split('\n')[2];
    };
    expect(frameOf(nodeOnBody)).to.match(/parserOnBody \(node:_http_common:\d+:\d+\)$/);
    expect(frameOf(standIns!.onBody)).to.equal(frameOf(nodeOnBody));
  });

  it('are not made from a source they were not written for', () => {
    const unexpected = function parserOnBody(this: { incoming: { push(b: unknown): void } }, b: unknown) {
      someHelper(this.incoming.push(b));
    };
    expect(parserStandIns(unexpected, nodeOnComplete, scope, () => {}, () => {})).to.equal(undefined);
    expect(parserStandIns(undefined, nodeOnComplete, scope, () => {}, () => {})).to.equal(undefined);
    expect(parserStandIns(nodeOnBody, nodeOnComplete, {}, () => {}, () => {}), 'a free variable not supplied').to.equal(undefined);
  });

  it('freeNames: what a function refers to beyond its params, locals and keywords', () => {
    expect(freeNames('function f(a, b) {\n  const c = a.x; // readStop here is a comment\n  if (c === null) return;\n  helper(b, c, this.y);\n}')).to.deep.equal(['helper']);
    expect(freeNames('() => x')).to.deep.equal(['<not a plain function>']);
  });

  it('withObserver: the call goes on the line before the push, keeping every line and the push column', () => {
    const src = 'function f(b) {\n  if (ok) {\n    const ret = stream.push(b);\n  }\n}';
    expect(withObserver(src, 'stream.push(b)', 'stream, b')).to.equal('function f(b) {\n  if (ok) { wiretapObserve(stream, b);\n    const ret = stream.push(b);\n  }\n}');
    const commented = 'function g() {\n  // For emit end event\n  stream.push(null);\n}';
    expect(withObserver(commented, 'stream.push(null)', 'stream')).to.equal('function g() {\n  wiretapObserve(stream);\n  stream.push(null);\n}');
    expect(withObserver('function h() {\n  a(\n  stream.push(null));\n}', 'stream.push(null)', 'stream'), 'inside an expression').to.equal(undefined);
    expect(withObserver('function h() { stream.push(null); stream.push(null); }', 'stream.push(null)', 'stream'), 'twice').to.equal(undefined);
  });
});

declare function someHelper(x: unknown): void;
