#!/usr/bin/env node
'use strict';
// Bundles the agent's runtime into two files (after tsc, over its dist/register.js):
// - dist/register.js, the preload: config, agent core, interceptors, exit hooks, log correlation, Lambda hooks.
// - dist/runtime.js, loaded by the first outgoing call (or first server, or Lambda init): SDK, tracing, pipeline,
//   decoders, redaction, exporters, metrics. The preload's lazy `require()`s of these modules become
//   `require('./runtime.js').modules[key]`; the runtime's imports of preload modules become
//   `require('./register.js').shared[key]`, so stateful modules (diag log level, config) exist once.
// Why: a cold start that compiles two files instead of ~200, and ESM builds of @opentelemetry packages so
// their `import`s tree-shake (@opentelemetry/semantic-conventions shrinks from 380 KB to what is used).
// @opentelemetry/api and api-logs stay external: they keep one global registry per process with version
// checks, and npm can share one copy with the app. Everything else in dist/ stays tsc's output (the public
// API, testing, the CLI, and the sync-send child script that exporters spawn by path).
const path = require('node:path');
const fs = require('node:fs');
const esbuild = require('esbuild');

const ROOT = path.join(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const DIST = path.join(ROOT, 'dist');
// cbor and fast-xml-parser are required lazily by the few decoders that need them: left as separate files.
const EXTERNAL = ['@opentelemetry/api', '@opentelemetry/api-logs', 'cbor', 'fast-xml-parser'];
/** Lazily required src modules that stay tsc's separate file: the 1.1 MB AWS operation table. */
const SEPARATE = ['decoders/aws/data/operations'];
/** Preload modules' lazy targets that make up the runtime bundle (src-relative, no extension). */
const RUNTIME_ENTRIES = ['spans/pipeline', 'spans/tracing', 'spans/server', 'decoders/registry', 'decoders/index', 'redaction/redact', 'fixture/record', 'metrics/index', 'lambda/invocation', 'semconv'];

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

/** In the preload: a lazy require of a runtime module (or of a bundled package) reads it from runtime.js. */
function toRuntime(packages) {
  return {
    name: 'to-runtime',
    setup(build) {
      build.onResolve({ filter: /^\.\/runtime\.js$/ }, () => ({ path: './runtime.js', external: true }));
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'require-call' || !inSrc(args.importer)) return undefined;
        const file = await resolved(build, args);
        if (!file) return undefined;
        if (inSrc(file) && RUNTIME_ENTRIES.includes(keyOf(file))) return { path: keyOf(file), namespace: 'runtime' };
        if (!inSrc(file) && !args.path.startsWith('.')) {
          packages.add(args.path);
          return { path: `pkg:${args.path}`, namespace: 'runtime' };
        }
        return undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'runtime' }, (args) => ({
        contents: `module.exports = require('./runtime.js').modules[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
    },
  };
}

/** In the runtime: a module the preload bundle holds is the preload's own instance. */
function toPreload(shared) {
  return {
    name: 'to-preload',
    setup(build) {
      build.onResolve({ filter: /^\.\/register\.js$/ }, (args) => (args.namespace === 'preload' ? { path: './register.js', external: true } : undefined));
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.namespace === 'preload' || !inSrc(args.importer)) return undefined;
        const file = await resolved(build, args);
        if (file && shared.has(keyOf(file)) && !RUNTIME_ENTRIES.includes(keyOf(file))) return { path: keyOf(file), namespace: 'preload' };
        return undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'preload' }, (args) => ({
        contents: `module.exports = require('./register.js').shared[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
    },
  };
}

const importPath = (file) => JSON.stringify(file.replace(/\\/g, '/'));
// Getters over require(): a module is evaluated when first asked for, not when its bundle loads.
const getter = (key, request) => `get ${JSON.stringify(key)}() { return require(${request}); }`;

function preloadEntry(shared) {
  const getters = [...shared].map((key) => getter(key, importPath(path.join(SRC, key + '.ts'))));
  return `import ${importPath(path.join(SRC, 'register.ts'))};\nexport const shared = { ${getters.join(', ')} };\n`;
}

function runtimeEntry(packages) {
  const getters = RUNTIME_ENTRIES.map((key) => getter(key, importPath(path.join(SRC, key + '.ts'))));
  for (const pkg of packages) getters.push(getter('pkg:' + pkg, JSON.stringify(pkg)));
  return `export const modules = { ${getters.join(', ')} };\n`;
}

async function buildPreload(shared, packages, write) {
  return esbuild.build({
    ...common,
    stdin: { contents: preloadEntry(shared), resolveDir: SRC, sourcefile: 'register-bundle.ts', loader: 'ts' },
    outfile: path.join(DIST, 'register.js'),
    write,
    plugins: [separate(), toRuntime(packages), sourceFixups()],
  });
}

async function main() {
  // Pass 1 finds which src modules the preload holds; pass 2 exports them for the runtime bundle.
  const packages = new Set();
  const probe = await buildPreload(new Set(), packages, false);
  const shared = new Set(Object.keys(probe.metafile.inputs).map((f) => path.resolve(ROOT, f)).filter(inSrc).map(keyOf).filter((k) => k !== 'register' && fs.existsSync(path.join(SRC, k + '.ts'))));
  const preload = await buildPreload(shared, packages, true);
  const runtime = await esbuild.build({
    ...common,
    stdin: { contents: runtimeEntry(packages), resolveDir: SRC, sourcefile: 'runtime-bundle.ts', loader: 'ts' },
    outfile: path.join(DIST, 'runtime.js'),
    plugins: [separate(), toPreload(shared), sourceFixups()],
  });
  const size = (r) => Object.values(r.metafile.outputs).reduce((n, o) => (o.bytes > n && !o.entryPoint?.endsWith('.map') ? Math.max(n, o.bytes) : n), 0);
  // `--meta FILE`: esbuild's metafile of both bundles, to see what each holds (esbuild's analyzer reads it).
  const meta = process.argv.indexOf('--meta');
  if (meta > 0) fs.writeFileSync(process.argv[meta + 1], JSON.stringify({ preload: preload.metafile, runtime: runtime.metafile }));
  console.log(`bundle: dist/register.js ${(size(preload) / 1024).toFixed(0)} KB (${shared.size} src modules), dist/runtime.js ${(size(runtime) / 1024).toFixed(0)} KB`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
