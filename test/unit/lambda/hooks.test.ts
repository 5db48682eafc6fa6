import { expect } from 'chai';
import { parseHandler, wrappedView } from '../../../src/lambda/hooks';

describe('lambda/hooks: finding and wrapping the handler as the runtimes do', () => {
  it('parses _HANDLER like the runtimes: module path, file candidates, export path', () => {
    expect(parseHandler('index.handler', '/var/task')).to.deep.equal({ files: ['/var/task/index', '/var/task/index.js', '/var/task/index.mjs', '/var/task/index.cjs'], exportPath: ['handler'] });
    expect(parseHandler('src/api/orders.handler', '/var/task')!.files[1]).to.equal('/var/task/src/api/orders.js');
    expect(parseHandler('index.nested.deeper.handler', '/var/task')!.exportPath).to.deep.equal(['nested', 'deeper', 'handler']);
    expect(parseHandler('/opt/shared/fn.handler', '/var/task')!.files[0]).to.equal('/opt/shared/fn');
  });
  it('refuses what the runtimes refuse', () => {
    expect(parseHandler('../escape.handler', '/var/task')).to.equal(undefined);
    expect(parseHandler('nodot', '/var/task')).to.equal(undefined);
  });

  const wrap = (fn: unknown) => (typeof fn === 'function' ? Object.assign((...a: unknown[]) => (fn as (...x: unknown[]) => unknown)(...a), { wrapped: true }) : fn);

  it('gives a view whose handler is wrapped and leaves the module exports untouched', () => {
    const handler = () => 'result';
    const exports = { handler, other: 1 };
    const view = wrappedView(exports, ['handler'], wrap) as typeof exports & { handler: { wrapped?: boolean } };
    expect(view.handler).to.not.equal(handler);
    expect((view.handler as unknown as { wrapped: boolean }).wrapped).to.equal(true);
    expect(view.other).to.equal(1);
    expect(exports.handler).to.equal(handler);
  });
  it('works on read-only getters (esbuild bundles) and nested paths', () => {
    const fn = () => 'deep';
    const exports = {};
    Object.defineProperty(exports, 'nested', { get: () => ({ deeper: { fn } }), enumerable: true });
    const view = wrappedView(exports, ['nested', 'deeper', 'fn'], wrap) as { nested: { deeper: { fn: { wrapped?: boolean } } } };
    expect(view.nested.deeper.fn.wrapped).to.equal(true);
    expect((exports as { nested: { deeper: { fn: unknown } } }).nested.deeper.fn).to.equal(fn);
  });
  it('returns the exports unchanged where the handler is missing, so the runtime reports its own error', () => {
    const exports = { notTheHandler: 1 };
    expect(wrappedView(exports, ['handler'], wrap)).to.equal(exports);
  });
});
