// The HTML report's page assets (hand-written CSS/JS, inlined into each report at run time) are not
// TypeScript, so tsc does not copy them: put them next to the compiled report module.
// Usage: node scripts/copy-report-assets.js <outDir>   (dist for the package, build/src for the tests)
const fs = require('node:fs');
const path = require('node:path');
const root = path.join(__dirname, '..');
const from = path.join(root, 'src', 'views', 'report', 'assets');
const to = path.join(root, process.argv[2] || 'dist', 'views', 'report', 'assets');
fs.mkdirSync(to, { recursive: true });
for (const name of fs.readdirSync(from)) fs.copyFileSync(path.join(from, name), path.join(to, name));
