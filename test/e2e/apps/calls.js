// A plain app making two calls (http.get and fetch), optionally in one of a few modes (APP_MODE).
'use strict';
const http = require('node:http');
const { HTTP, TAG, print } = require('./lib');
const mode = process.env.APP_MODE || '';

let appSpans;
if (mode === 'own-provider') {
  // The app brings its own OpenTelemetry SDK and registers it globally.
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
  const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  appSpans = new InMemorySpanExporter();
  new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(appSpans)] }).register();
}
if (mode === 'register-decoder') {
  require(process.env.WIRETAP_INDEX).registerDecoder({
    name: 'registered',
    match: (head) => head.path.includes('/custom/'),
    decode: (x) => ({ name: `Registered ${x.request.method}`, kind: 'client', attributes: { 'custom.from': 'registerDecoder', 'custom.status': x.response && x.response.status } }),
  });
}

if (process.env.COUNT_SYNC_SENDS) {
  // Counts wiretap's synchronous OTLP sends (a child process running sync-send.js), printed at exit.
  const cp = require('node:child_process');
  const execFileSync = cp.execFileSync;
  let syncSends = 0;
  cp.execFileSync = function (file, args, ...rest) {
    if (Array.isArray(args) && args.some((a) => String(a).endsWith('sync-send.js'))) syncSends++;
    return execFileSync.call(this, file, args, ...rest);
  };
  process.on('exit', () => print({ syncSends }));
}

function get(path) {
  return new Promise((resolve, reject) => {
    http.get(process.env.FIRST_URL || `${HTTP}/${TAG}/${path}`, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
}

(async () => {
  const a = await get(process.env.FIRST_PATH || 'first');
  print({ name: 'first', status: a.status, body: a.body });
  const r = await fetch(`${HTTP}/${TAG}/second`, { method: 'POST', body: 'second body' });
  print({ name: 'second', status: r.status, body: await r.text() });
  if (appSpans) {
    print({ appSpans: appSpans.getFinishedSpans().map((s) => ({ name: s.name, url: s.attributes['url.full'], traceId: s.spanContext().traceId })) });
  }
  if (mode === 'process-exit') process.exit(0);
  if (mode === 'probe-handles') {
    // What keeps this process alive once its work is done: the ref'd handles (unref'd ones are not listed).
    // After the export queue's timer has fired (OTEL_BSP_SCHEDULE_DELAY), so an export may be in flight.
    setTimeout(() => print({ refHandles: process.getActiveResourcesInfo().sort() }), Number(process.env.PROBE_AFTER_MS || 600));
  }
})().catch((err) => {
  console.error('app failed', err);
  process.exitCode = 9;
});
