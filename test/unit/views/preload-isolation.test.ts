// The views and the CLI never load in the preload path: an app under `--require wiretap/register` that
// starts a server and makes outgoing calls (so the agent loads everything it loads lazily) has no module
// from src/views or src/cli in its require cache.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';

const root = path.resolve(__dirname, '../../../..');

const app = `
const http = require('node:http');
const server = http.createServer((req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', async () => {
  const url = 'http://127.0.0.1:' + server.address().port + '/x';
  await new Promise((resolve) => http.get(url, (res) => { res.resume(); res.on('end', resolve); }));
  await fetch(url).then((r) => r.text());
  server.close();
  const loaded = Object.keys(require.cache);
  process.stdout.write(JSON.stringify({ total: loaded.length, wiretap: loaded.filter((f) => f.includes('${path.join(root, 'dist').replace(/\\/g, '\\\\')}')) }));
});
`;

describe('views and CLI stay out of the preload', function () {
  this.timeout(30_000);
  it('no module under dist/views or dist/cli is loaded by the agent, even after calls and a server', () => {
    const r = spawnSync(process.env.WIRETAP_TEST_NODE || process.execPath, ['--require', path.join(root, 'dist', 'register.js'), '-e', app], {
      encoding: 'utf8',
      env: { ...process.env, OTEL_TRACES_EXPORTER: 'none', WIRETAP_LOG_LEVEL: 'error' },
    });
    expect(r.status, r.stderr).to.equal(0);
    const { wiretap } = JSON.parse(r.stdout) as { total: number; wiretap: string[] };
    // The check means something only if the agent's own modules were loaded (the lazy part included):
    // the runtime bundle (scripts/bundle.js) holds the decoders.
    expect(wiretap.some((f) => f.endsWith(`${path.sep}dist${path.sep}runtime.js`)), 'the agent loaded its runtime bundle').to.equal(true);
    expect(wiretap.some((f) => f.includes(`${path.sep}register.js`))).to.equal(true);
    const offenders = wiretap.filter((f) => f.includes(`${path.sep}dist${path.sep}views${path.sep}`) || f.includes(`${path.sep}dist${path.sep}cli${path.sep}`));
    expect(offenders).to.deep.equal([]);
    // A bundle holds many sources in one file: its source map lists them.
    const bundled = wiretap.filter((f) => fs.existsSync(`${f}.map`)).flatMap((f) => (JSON.parse(fs.readFileSync(`${f}.map`, 'utf8')) as { sources: string[] }).sources);
    expect(bundled.some((s) => s.includes('src/decoders/')), 'the bundles list their sources').to.equal(true);
    expect(bundled.filter((s) => s.includes('src/views/') || s.includes('src/cli/'))).to.deep.equal([]);
  });
});
