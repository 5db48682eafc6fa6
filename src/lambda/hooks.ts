// Wraps the function's handler as the runtime loads it, without a code change. The two runtime majors
// load the handler differently: aws-lambda-ric 3.x (nodejs22.x) `require()`s CommonJS files and
// `import()`s ES modules, 4.x (nodejs24.x) `import()`s every file. So:
// - require(): a one-shot hook on `Module._load` that hands the runtime (and only for the handler's own
//   file) a view of the exports whose handler is wrapped; the module and its cache entry stay untouched
//   (esbuild bundles export read-only getters that could not be replaced anyway).
// - import(): an in-thread module hook (`module.registerHooks`, Node ≥ 22.15) that resolves the runtime's
//   import of the handler file to a small wrapper module re-exporting everything with the handler wrapped.
//   In-thread hooks cost nothing at start-up, unlike `module.register`'s loader thread.
// Both stop as soon as the handler has been loaded once.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LambdaConfig } from '../config/load';
import { diag, describe } from '../diag/log';

/* eslint-disable @typescript-eslint/no-require-imports */

const BRIDGE = Symbol.for('wiretap.lambda.hooks.v1');
const SUFFIX = '?wiretap-lambda-handler';

export interface HandlerSpec {
  /** Absolute file paths the runtime may load the handler from. */
  files: string[];
  /** The export path inside the module, e.g. `handler` or `nested.handler`. */
  exportPath: string[];
}

/** The runtimes' own parsing of `_HANDLER` (`src/api/orders.handler` → `<root>/src/api/orders{,.js,.mjs,.cjs}`, `handler`). */
export function parseHandler(handler: string, taskRoot: string): HandlerSpec | undefined {
  if (handler.includes('..')) return undefined;
  const base = path.basename(handler);
  const moduleRoot = handler.slice(0, handler.length - base.length);
  const m = /^([^.]*)\.(.*)$/.exec(base);
  if (!m || !m[2]) return undefined;
  const file = path.resolve(taskRoot, moduleRoot, m[1]!);
  return { files: ['', '.js', '.mjs', '.cjs'].map((ext) => file + ext), exportPath: m[2].split('.') };
}

type Wrap = (fn: unknown) => unknown;

/**
 * An object that reads like `exports` but whose `exportPath` leads to the wrapped handler. Where the
 * handler is not found the object is returned unchanged, so the runtime reports exactly its own error.
 */
export function wrappedView(exports: unknown, exportPath: string[], wrap: Wrap): unknown {
  if (exportPath.length === 0) return wrap(exports);
  if (typeof exports !== 'object' && typeof exports !== 'function') return exports;
  if (exports === null) return exports;
  const [key, ...rest] = exportPath as [string, ...string[]];
  const inner = (exports as Record<string, unknown>)[key];
  if (inner === undefined || inner === null) return exports;
  const view = Object.create(exports as object) as Record<string, unknown>;
  Object.defineProperty(view, key, { value: wrappedView(inner, rest, wrap), enumerable: true, configurable: true });
  return view;
}

/** The export the wrapper module re-exports under the first key: found directly, or under `default` (a CommonJS module imported). */
function bridgeValue(ns: Record<string, unknown>, exportPath: string[], wrap: Wrap): unknown {
  const find = (obj: unknown) => exportPath.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
  const key = exportPath[0]!;
  if (typeof find(ns) === 'function') return (wrappedView(ns, exportPath, wrap) as Record<string, unknown>)[key];
  if (ns.default && typeof find(ns.default) === 'function') return (wrappedView(ns.default, exportPath, wrap) as Record<string, unknown>)[key];
  return ns[key];
}

function wrapperSource(originalUrl: string, exportPath: string[]): string {
  const url = JSON.stringify(originalUrl);
  const key = JSON.stringify(exportPath[0]);
  const lines = [
    `import * as original from ${url};`,
    `export * from ${url};`,
    `const value = globalThis[Symbol.for('wiretap.lambda.hooks.v1')].esm(original);`,
    `export { value as ${key} };`,
  ];
  if (exportPath[0] !== 'default') lines.push('export default original.default;');
  return lines.join('\n');
}

export function installHandlerHooks(lambda: LambdaConfig, wrap: Wrap): () => void {
  if (!lambda.handler || !lambda.taskRoot) return () => undefined;
  const spec = parseHandler(lambda.handler, lambda.taskRoot);
  if (!spec) return () => undefined;
  const undo: (() => void)[] = [];
  const done = () => {
    for (const u of undo.splice(0)) {
      try {
        u();
      } catch {
        /* best effort */
      }
    }
  };

  // require(): 3.x for CommonJS handlers, and 4.x's fallback for a handler found by Node's resolution.
  const Module = require('node:module') as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const files = new Set(spec.files);
  const originalLoad = Module._load;
  const load = function (this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
    if (typeof request !== 'string' || !files.has(request)) return originalLoad.apply(this, [request, parent, isMain]);
    // Both hooks go before the handler's file runs: the modules it loads in turn (an SDK: hundreds) then
    // resolve and load on Node's own path, not through the in-thread module hooks.
    done();
    const exports = originalLoad.apply(this, [request, parent, isMain]);
    try {
      return wrappedView(exports, spec.exportPath, wrap);
    } catch (err) {
      diag.once('warn', 'lambda.hook', `handler not wrapped: ${describe(err)}`);
    }
    return exports;
  };
  Module._load = load;
  undo.push(() => {
    if (Module._load === load) Module._load = originalLoad;
  });

  // import(): every handler on 4.x, ES modules on 3.x.
  const mod = require('node:module') as { registerHooks?: (hooks: object) => { deregister(): void } };
  if (typeof mod.registerHooks === 'function') {
    const urls = new Set(spec.files.map((f) => pathToFileURL(f).href));
    const g = globalThis as unknown as Record<symbol, unknown>;
    g[BRIDGE] = { esm: (ns: Record<string, unknown>) => bridgeValue(ns, spec.exportPath, wrap) };
    type Resolved = { url: string; format?: string | null; shortCircuit?: boolean };
    const hooks = mod.registerHooks({
      resolve(specifier: string, context: { conditions?: string[]; parentURL?: string }, nextResolve: (s: string, c: unknown) => Resolved): Resolved {
        const resolved = nextResolve(specifier, context);
        if (urls.has(resolved.url) && context.conditions?.includes('import') && !context.parentURL?.endsWith(SUFFIX)) {
          return { ...resolved, url: resolved.url + SUFFIX, shortCircuit: true };
        }
        return resolved;
      },
      load(url: string, context: unknown, nextLoad: (u: string, c: unknown) => unknown): unknown {
        if (url.endsWith(SUFFIX)) {
          done();
          return { format: 'module', source: wrapperSource(url.slice(0, -SUFFIX.length), spec.exportPath), shortCircuit: true };
        }
        return nextLoad(url, context);
      },
    });
    undo.push(() => hooks.deregister());
  } else {
    diag.info('module.registerHooks is not available in this Node.js: ES module handlers need wrapHandler()');
  }
  return done;
}
