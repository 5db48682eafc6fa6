#!/usr/bin/env node
// Builds a Lambda layer zip: nodejs/node_modules/wiretap (the built package with its runtime dependencies,
// nothing from devDependencies) plus the exec wrapper at the layer's root, which Lambda mounts at /opt:
//   AWS_LAMBDA_EXEC_WRAPPER=/opt/wiretap-wrapper
// Usage: npm run build:layer [-- --out file.zip]. Needs the `zip` command (apt-get install zip).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log('Usage: node scripts/build-layer.js [--out <file.zip>]\nBuilds the wiretap Lambda layer (default: build/wiretap-lambda-layer.zip). Run `npm run build` first.');
  process.exit(0);
}
const outIndex = args.indexOf('--out');
const out = path.resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1] : path.join(root, 'build', 'wiretap-lambda-layer.zip'));

if (!fs.existsSync(path.join(root, 'dist', 'register.js'))) {
  console.error('build-layer: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
const stage = path.join(root, 'build', 'layer');
fs.rmSync(stage, { recursive: true, force: true });
const modules = path.join(stage, 'nodejs', 'node_modules');
const own = path.join(modules, 'wiretap');
fs.mkdirSync(own, { recursive: true });
for (const entry of ['package.json', 'README.md', 'LICENSE', 'dist', 'lambda']) {
  const from = path.join(root, entry);
  // Not dist/.v8-cache: the code cache this machine's processes wrote (off in Lambda, whose code is read-only).
  const cache = path.join(root, 'dist', '.v8-cache');
  if (fs.existsSync(from)) fs.cpSync(from, path.join(own, entry), { recursive: true, filter: (src) => src !== cache });
}

// The runtime dependency tree as npm resolved it (same versions as the tests ran), copied path for path.
let parseable;
try {
  parseable = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
} catch (err) {
  parseable = String(err.stdout || ''); // npm ls exits 1 on a peer warning but still lists the tree
}
const listed = parseable
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && l !== root);
const top = path.join(root, 'node_modules') + path.sep;
let count = 0;
for (const dir of listed) {
  if (!dir.startsWith(top)) continue;
  const rel = dir.slice(top.length);
  // Nested node_modules are listed (and copied) as entries of their own.
  fs.cpSync(dir, path.join(modules, rel), { recursive: true, filter: (src) => src === dir || !path.relative(dir, src).split(path.sep).includes('node_modules') });
  count++;
}

fs.copyFileSync(path.join(root, 'lambda', 'wiretap-wrapper'), path.join(stage, 'wiretap-wrapper'));
fs.chmodSync(path.join(stage, 'wiretap-wrapper'), 0o755);

fs.mkdirSync(path.dirname(out), { recursive: true });
fs.rmSync(out, { force: true });
try {
  execFileSync('zip', ['-q', '-r', '-X', '-y', out, 'nodejs', 'wiretap-wrapper'], { cwd: stage, stdio: 'inherit' });
} catch (err) {
  console.error(`build-layer: zip failed (${err.code === 'ENOENT' ? 'the zip command is not installed: apt-get install zip' : err.message})`);
  process.exit(1);
}
console.log(`build-layer: ${path.relative(process.cwd(), out)} (${(fs.statSync(out).size / 1024 / 1024).toFixed(1)} MiB, wiretap + ${count} runtime packages)`);
