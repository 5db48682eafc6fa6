// `--import wiretap/register` needs an ES module entry; it loads the CommonJS preload, which does the work.
const fs = require('node:fs');
const path = require('node:path');
const out = path.join(__dirname, '..', 'dist', 'register.mjs');
fs.writeFileSync(out, "// ESM entry for `node --import wiretap/register`: loads the CommonJS preload.\nimport { createRequire } from 'node:module';\ncreateRequire(import.meta.url)('./register.js');\n");
