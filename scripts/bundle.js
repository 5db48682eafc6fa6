#!/usr/bin/env node
'use strict';
// Bundles the agent's runtime code into a few files (after tsc, over its dist/register.js); see BUNDLES
// below and docs/design.md ("Bundles"):
// - dist/register.js, the preload: config, agent core, interceptors, exit hooks, log correlation, Lambda hooks.
// - dist/runtime.js, loaded by the first outgoing call (or first server, or Lambda init): SDK, tracing,
//   pipeline, decoder registry and AWS decoders, redaction, span exporters.
// - dist/metrics.js, lambda.js, logs.js, decoders-stripe.js, decoders-algolia.js: only when needed.
// A lazy `require()` of another bundle's module becomes `require('./<bundle>.js').shared[key]`, and so does
// an import of a module an earlier bundle holds, so stateful modules (diag log level, config) exist once.
// Why: a cold start that compiles a file or two instead of ~200, and ESM builds of @opentelemetry packages
// so their `import`s tree-shake (@opentelemetry/semantic-conventions shrinks from 380 KB to what is used).
// @opentelemetry/api: one global registry per process, and registering into it needs the exact same API
// version as the registrations before, so wiretap must use the version `require('@opentelemetry/api')`
// would give it. dist/otel-api.js holds a bundled copy (resolving and compiling the package's 45 files cost
// ~17 ms at the first call) and uses it only when that require would load the same version and the app has
// not loaded that copy already; otherwise it requires the package (see API_SELECT). api-logs stays external.
// Everything else in dist/ stays tsc's output (the public API, testing, the CLI, the sync-send child script
// that exporters spawn by path). `--meta FILE` writes esbuild's metafiles.
const path = require('node:path');
const fs = require('node:fs');
const esbuild = require('esbuild');

const ROOT = path.join(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const DIST = path.join(ROOT, 'dist');
// cbor and fast-xml-parser are required lazily by the few decoders that need them: left as separate files.
const EXTERNAL = ['@opentelemetry/api-logs', 'cbor', 'fast-xml-parser'];
const API_DIR = path.join(ROOT, 'node_modules', '@opentelemetry', 'api');
const API_VERSION = JSON.parse(fs.readFileSync(path.join(API_DIR, 'package.json'), 'utf8')).version;
/**
 * dist/otel-api.js: which copy of @opentelemetry/api the agent uses. The package that a plain require from
 * dist/ resolves to, if the app has loaded it (one shared copy, as before) or if it is not the version
 * bundled here; else the bundled copy of that same version: same code, same registry semantics (the API
 * keeps its state in the global registry, keyed by version; context keys are Symbol.for), without loading
 * 45 files. Not installed at all: the bundled copy.
 */
const API_SELECT = `
// Evaluated only when chosen.
const bundled = () => require(${JSON.stringify(path.join(API_DIR, 'build', 'esm', 'index.js').replace(/\\/g, '/'))});
function select() {
  let file;
  try {
    file = require.resolve('@opentelemetry/api');
  } catch {
    return bundled();
  }
  const cached = require.cache[file];
  if (cached) return cached.exports;
  const path = require('node:path');
  const at = file.lastIndexOf(path.join('@opentelemetry', 'api') + path.sep);
  try {
    const pkg = at >= 0 ? file.slice(0, at) + path.join('@opentelemetry', 'api', 'package.json') : undefined;
    if (pkg && JSON.parse(require('node:fs').readFileSync(pkg, 'utf8')).version === ${JSON.stringify(API_VERSION)}) return bundled();
  } catch {
    /* unreadable: the package itself */
  }
  return require(file);
}
module.exports = select();
`;
/** Lazily required src modules that stay tsc's separate file: the 1.1 MB AWS operation table. */
const SEPARATE = ['decoders/aws/data/operations'];
/**
 * The bundles, in build order. `entries`: the src modules (no extension) whose lazy `require()` from
 * another bundle loads this one. A src module belongs to the first bundle that holds it; later bundles
 * read it from there (`require('./<bundle>.js').shared[key]`), so stateful modules exist once.
 */
const BUNDLES = [
  { name: 'register', entries: [] },
  { name: 'runtime', entries: ['spans/pipeline', 'spans/tracing', 'spans/server', 'decoders/registry', 'decoders/index', 'redaction/redact', 'fixture/record', 'semconv', 'decoders/route-table', 'exporters/targets'] },
  // Metrics are off by default: their code (and the metrics SDK and exporters) loads only when they are on.
  { name: 'metrics', entries: ['metrics/index'] },
  // Lambda mode's invocation spans, triggers and X-Ray: only in Lambda.
  { name: 'lambda', entries: ['lambda/invocation', 'lambda/retry'] },
  // Log export (the logs SDK): only when log lines go out, not for correlation alone.
  { name: 'logs', entries: ['logs/export'] },
  // Decoders, loaded on their first match (src/decoders/index.ts): DynamoDB and the generic AWS decoder are
  // in the runtime; the messaging services share messaging.ts; Stripe and Algolia have large route tables.
  { name: 'decoders-aws-messaging', entries: ['decoders/aws/sqs', 'decoders/aws/sns', 'decoders/aws/eventbridge', 'decoders/aws/kinesis', 'decoders/aws/lambda'] },
  { name: 'decoders-aws-s3', entries: ['decoders/aws/s3'] },
  { name: 'decoders-stripe', entries: ['decoders/stripe'] },
  { name: 'decoders-algolia', entries: ['decoders/algolia'] },
];
const LAZY_OWNER = new Map(BUNDLES.flatMap((b) => b.entries.map((key) => [key, b.name])));

const keyOf = (file) => path.relative(SRC, file).replace(/\\/g, '/').replace(/\.ts$/, '');
const inSrc = (file) => file.startsWith(SRC + path.sep) && file.endsWith('.ts');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // ESM builds first: their imports tree-shake; the packages here have no `exports` map that would object.
  mainFields: ['module', 'main'],
  external: EXTERNAL,
  sourcemap: 'linked',
  sourcesContent: false,
  minifyWhitespace: false,
  keepNames: false,
  legalComments: 'none',
  logLevel: 'warning',
  logOverride: { 'unsupported-require-call': 'silent' },
  metafile: true,
};

/**
 * Source fix-ups for bundling: `__dirname` of a bundled src file stays the directory tsc gives it
 * (exporters spawn dist/exporters/sync-send.js by path), and a require of `${base}x` with a constant
 * string `base` becomes a literal, so the bundler can follow it.
 */
function sourceFixups() {
  return {
    name: 'source-fixups',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (!inSrc(args.path)) return undefined;
        let source = await fs.promises.readFile(args.path, 'utf8');
        if (source.includes('__dirname')) {
          const rel = JSON.stringify(path.relative(SRC, path.dirname(args.path)).replace(/\\/g, '/'));
          source = source.replace(/\b__dirname\b/g, `require('node:path').join(__dirname, ${rel})`);
        }
        const base = /const base = '([^'`$]+)';/.exec(source);
        if (base) source = source.split('require(`${base}').join(`require(\`${base[1]}`);
        return { contents: source, loader: 'ts' };
      });
      // Deep imports into an @opentelemetry package's CommonJS build take its ES module build instead.
      build.onResolve({ filter: /^@opentelemetry\/[^/]+\/build\/src\// }, async (args) => {
        if (args.pluginData?.resolving) return undefined;
        const r = await build.resolve(args.path.replace('/build/src/', '/build/esm/'), { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { resolving: true } });
        return r.errors.length ? undefined : { path: r.path };
      });
    },
  };
}

/** A lazy require of a SEPARATE module reads tsc's file beside the bundle (dist/<same path>.js). */
function separate() {
  return {
    name: 'separate',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'require-call' || !inSrc(args.importer)) return undefined;
        const file = await resolved(build, args);
        return file && inSrc(file) && SEPARATE.includes(keyOf(file)) ? { path: `./${keyOf(file)}.js`, external: true } : undefined;
      });
    },
  };
}

/** Resolves an import; returns the absolute file, or undefined for externals and builtins. */
async function resolved(build, args) {
  if (args.pluginData?.resolving) return undefined;
  const r = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { resolving: true } });
  return r.errors.length || r.external ? undefined : r.path;
}

/**
 * Cross-bundle imports: a lazy entry of another bundle, a module an earlier bundle holds, or (from a lazy
 * require in the preload) a package, which the runtime bundle then holds.
 */
function crossBundle(self, owned, packages) {
  return {
    name: 'cross-bundle',
    setup(build) {
      build.onResolve({ filter: /^\.\/[a-z0-9-]+\.js$/ }, (args) => (args.namespace === 'bundle' ? { path: args.path, external: true } : undefined));
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.namespace === 'bundle' || !inSrc(args.importer)) return undefined;
        const file = await resolved(build, args);
        if (!file) return undefined;
        if (inSrc(file)) {
          const key = keyOf(file);
          const lazy = LAZY_OWNER.get(key);
          if (lazy && lazy !== self.name) return { path: `${lazy}:${key}`, namespace: 'bundle' };
          const owner = owned.get(key);
          if (owner && owner !== self.name) return { path: `${owner}:${key}`, namespace: 'bundle' };
          return undefined;
        }
        if (self.name === 'register' && args.kind === 'require-call' && !args.path.startsWith('.')) {
          packages.add(args.path);
          return { path: `runtime:pkg:${args.path}`, namespace: 'bundle' };
        }
        return undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'bundle' }, (args) => {
        const [bundle, ...rest] = args.path.split(':');
        return { contents: `module.exports = __wiretapBundle(${JSON.stringify(bundle)}).shared[${JSON.stringify(rest.join(':'))}];`, loader: 'js' };
      });
    },
  };
}

const importPath = (file) => JSON.stringify(file.replace(/\\/g, '/'));
// Getters over require(): a module is evaluated when first asked for, not when its bundle loads.
const getter = (key, request) => `get ${JSON.stringify(key)}() { return require(${request}); }`;

/** A bundle's entry: the preload runs register.ts; every bundle exports its src modules (and packages) by key. */
function entrySource(self, keys, packages) {
  const getters = [...keys].map((key) => getter(key, importPath(path.join(SRC, key + '.ts'))));
  if (self.name === 'runtime') for (const pkg of packages) getters.push(getter('pkg:' + pkg, JSON.stringify(pkg)));
  const run = self.name === 'register' ? `import ${importPath(path.join(SRC, 'register.ts'))};\n` : '';
  return `${run}export const shared = { ${getters.join(', ')} };\n`;
}

/** Every bundle's `@opentelemetry/api` is dist/otel-api.js, which picks the copy (API_SELECT). */
function otelApi() {
  return {
    name: 'otel-api',
    setup(build) {
      build.onResolve({ filter: /^@opentelemetry\/api$/ }, () => ({ path: 'otel-api', namespace: 'otel-api' }));
      build.onLoad({ filter: /.*/, namespace: 'otel-api' }, () => ({ contents: 'module.exports = __wiretapBundle("otel-api");', loader: 'js' }));
    },
  };
}

/**
 * `__wiretapBundle(name)`, at the top of every bundle: loads dist/<name>.js once (require.cache, as
 * `require()` would), compiled with a V8 code cache of wiretap's own: compiling runtime.js and the code
 * the first call runs cost ~9 ms of the first call's CPU (Node 20), a cache cuts most of it. Only wiretap's
 * bundles: the app's modules load exactly as before (no process-wide compile cache, no loader hook).
 * - Where: dist/.v8-cache/ beside the bundles (so the cache is as trusted as the code; a read-only install
 *   writes nothing and loses nothing), or the directory WIRETAP_CODE_CACHE names; `WIRETAP_CODE_CACHE=0`
 *   turns it off, and so does --enable-source-maps (vm.Script would bypass the source-map support). Off in
 *   Lambda unless WIRETAP_CODE_CACHE names a directory (read-only code, a fresh /tmp per environment). A
 *   directory named there must be writable by the app's user only: a cache file is code.
 * - Not for a bundle with a dynamic import() (metrics.js): vm.Script has no loader for it; plain require.
 * - Keyed by the bundle's build id (a content hash the build appends), the Node version, the arch and the
 *   flags (V8 rejects a cache made under other flags: one file per flag set, no thrash).
 * - Written once, at exit, by the process that found none (or had it rejected: `cachedDataRejected`),
 *   after the first call ran, so the functions it compiled are in it; temp file + rename.
 */
const LOADER = `var __wiretapBundle = (() => {
  // One list of cache writes (and one exit listener) for all the bundles' copies of this loader.
  const pending = (globalThis[Symbol.for('wiretap.codeCache.v1')] ??= []);
  const load = (name) => {
    const path = require('node:path');
    const file = path.join(__dirname, name + '.js');
    const loaded = require.cache[file];
    if (loaded) return loaded.exports;
    const setting = process.env.WIRETAP_CODE_CACHE;
    // In Lambda the install is read-only and every environment starts with an empty /tmp: no cache to find.
    const off = setting === '0' || setting === 'false' || (!setting && process.env.AWS_LAMBDA_FUNCTION_NAME);
    if (off || process.sourceMapsEnabled) return require(file);
    const fs = require('node:fs');
    const vm = require('node:vm');
    const Module = require('node:module');
    let source;
    try {
      source = fs.readFileSync(file, 'utf8');
    } catch {
      return require(file);
    }
    const build = /\\/\\/# wiretapBuild=([0-9a-f]+)/.exec(source.slice(-300));
    if (!build) return require(file);
    const dir = setting && setting !== '1' && setting !== 'true' ? setting : path.join(__dirname, '.v8-cache');
    let flags = 2166136261;
    for (const c of process.execArgv.join(' ') + ' ' + (process.env.NODE_OPTIONS || '')) flags = Math.imul(flags ^ c.charCodeAt(0), 16777619) >>> 0;
    const prefix = name + '-' + build[1] + '-';
    const cacheFile = path.join(dir, prefix + process.version + '-' + process.arch + '-' + flags.toString(16) + '.v8');
    let cachedData;
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      /* none yet */
    }
    // CommonJS's own wrapper (not Module.wrap, which a tool may have patched).
    const script = new vm.Script('(function (exports, require, module, __filename, __dirname) { ' + source + '\\n});', { filename: file, cachedData });
    const m = new Module(file, module);
    m.filename = file;
    m.paths = Module._nodeModulePaths(__dirname);
    require.cache[file] = m;
    try {
      script.runInThisContext().call(m.exports, m.exports, Module.createRequire(file), m, file, __dirname);
    } catch (err) {
      delete require.cache[file];
      throw err;
    }
    m.loaded = true;
    if (!cachedData || script.cachedDataRejected) {
      let writable = false;
      try {
        fs.mkdirSync(dir, { recursive: true });
        fs.accessSync(dir, fs.constants.W_OK);
        writable = true;
      } catch {
        /* a read-only install: no cache */
      }
      if (writable) {
        if (pending.length === 0) process.once('exit', () => {
          for (const write of pending.splice(0)) write();
        });
        pending.push(() => {
          try {
            const tmp = cacheFile + '.' + process.pid + '.tmp';
            fs.writeFileSync(tmp, script.createCachedData());
            fs.renameSync(tmp, cacheFile);
            for (const f of fs.readdirSync(dir)) if (f.startsWith(name + '-') && !f.startsWith(prefix)) fs.rmSync(path.join(dir, f), { force: true });
          } catch {
            /* best effort */
          }
        });
      }
    }
    return m.exports;
  };
  return load;
})();`;

function buildApi() {
  return esbuild.build({
    ...common,
    stdin: { contents: API_SELECT, resolveDir: ROOT, sourcefile: 'otel-api-bundle.js', loader: 'js' },
    outfile: path.join(DIST, 'otel-api.js'),
    write: true,
  });
}

function buildOne(self, keys, owned, packages, write) {
  return esbuild.build({
    ...common,
    stdin: { contents: entrySource(self, keys, packages), resolveDir: SRC, sourcefile: `${self.name}-bundle.ts`, loader: 'ts' },
    outfile: path.join(DIST, `${self.name}.js`),
    // Every bundle but the preload is minified (the source maps keep the real names): V8 scans every
    // character and hashes and interns every identifier at load, and again in each function that runs: a
    // Lambda init that loads and builds runtime.js and lambda.js ran ~8 M instructions fewer (cachegrind,
    // Node 22). The preload keeps its names and layout: minifying it saved ~2 M, and some of its functions
    // are installed on the app's objects (`_send` on ClientRequest.prototype), where a renamed or
    // unnamed function would show (minifySyntax drops such names). keepNames would cost the gain back.
    ...(self.name === 'register' ? {} : { minifyIdentifiers: true, minifySyntax: true, minifyWhitespace: true }),
    banner: { js: LOADER },
    write,
    plugins: [otelApi(), separate(), crossBundle(self, owned, packages), sourceFixups()],
  });
}

async function main() {
  const owned = new Map(); // src module → the bundle that holds it
  const packages = new Set(); // packages the preload requires lazily, held by the runtime bundle
  const api = await buildApi();
  const built = [{ name: 'otel-api', bytes: Object.entries(api.metafile.outputs).find(([f]) => f.endsWith('.js'))[1].bytes, modules: 0, metafile: api.metafile }];
  for (const self of BUNDLES) {
    // Pass 1 finds which src modules this bundle holds; pass 2 exports them all for the later bundles.
    const probe = await buildOne(self, self.entries, owned, packages, false);
    const keys = Object.keys(probe.metafile.inputs).map((f) => path.resolve(ROOT, f)).filter(inSrc).map(keyOf)
      .filter((k) => k !== 'register' && fs.existsSync(path.join(SRC, k + '.ts')));
    for (const key of keys) if (!owned.has(key)) owned.set(key, self.name);
    const result = await buildOne(self, keys, owned, packages, true);
    const out = Object.entries(result.metafile.outputs).find(([f]) => f.endsWith('.js'))[1];
    built.push({ name: self.name, bytes: out.bytes, modules: keys.length, metafile: result.metafile });
  }
  // The build id the code cache is keyed by (LOADER): a hash of the bundle's content, on a line of its own
  // after the code (the source map's mappings are unchanged).
  // A bundle with a dynamic `import()` gets none and loads by plain require: vm.Script code has no module
  // loader for import() (the metrics bundle's official OTLP exporter imports http/https so).
  // Every bundle stays ASCII: one non-ASCII character anywhere (esbuild escapes them in strings and names but
  // keeps the comments it preserves) makes the whole file a two-byte string, decoded from UTF-8 and scanned
  // as UTF-16 at every load (runtime.js, for one `…` in a comment: ~8 M instructions of the first call). Such a
  // character can only be in a comment here, so it becomes `?` (one UTF-16 unit for one: the source map holds).
  for (const b of built) {
    const file = path.join(DIST, `${b.name}.js`);
    let code = fs.readFileSync(file, 'utf8');
    // eslint-disable-next-line no-control-regex
    if (/[^\x00-\x7f]/.test(code)) fs.writeFileSync(file, (code = code.replace(/[^\x00-\x7f]/gu, (c) => (c.length === 1 ? '?' : '??'))));
    if (/\bimport\(/.test(code)) continue;
    const id = require('node:crypto').createHash('sha256').update(code).digest('hex').slice(0, 16);
    fs.writeFileSync(file, code.replace(/\n(\/\/# sourceMappingURL=[^\n]*\n?)$/, `\n//# wiretapBuild=${id}\n$1`));
  }
  console.log(`bundle: ${built.map((b) => `dist/${b.name}.js ${(b.bytes / 1024).toFixed(0)} KB (${b.modules} src modules)`).join(', ')}`);
  // `--meta FILE`: esbuild's metafiles, to see what each bundle holds (esbuild's analyzer reads them).
  const meta = process.argv.indexOf('--meta');
  if (meta > 0) fs.writeFileSync(process.argv[meta + 1], JSON.stringify(Object.fromEntries(built.map((b) => [b.name, b.metafile]))));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
