'use strict';
// `node bench/report.js` (after `npm run build && npm run build:test`): the HTML report's size and
// render time on generated trace files of about 10k and 100k spans, measured in Debian's chromium.
// Not a test: timings live in the benchmark suite. Writes bench/report-results.md.
// BENCH_REPORT_SPANS=10000,100000 picks the sizes; BENCH_RUNS the page loads per size (median).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const ROOT = path.join(__dirname, '..');
const { writeScenario } = require(path.join(ROOT, 'build', 'test', 'views', 'report', 'scenario.js'));
const { buildReport, toReportData } = require(path.join(ROOT, 'dist', 'views', 'report', 'index.js'));
const { readSpansSync } = require(path.join(ROOT, 'dist', 'views', 'model', 'read.js'));
const { buildTransactions } = require(path.join(ROOT, 'dist', 'views', 'model', 'transactions.js'));
const { computeStats } = require(path.join(ROOT, 'dist', 'views', 'model', 'stats.js'));
const { PLANTED_USER_ID } = require(path.join(ROOT, 'build', 'test', 'views', 'report', 'scenario.js'));
const { chromium } = require('playwright-core');

const CHROMIUM = '/usr/bin/chromium';
const SIZES = (process.env.BENCH_REPORT_SPANS || '10000,100000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS || 3);
const SPANS_PER_CHECKOUT = 5.7; // the scenario's mix (checkouts, their calls, joined workers)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: bash scripts/ci/views-report.sh installs it`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-bench-report-'));
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] || (await context.newPage());
  const rows = [];
  try {
    for (const target of SIZES) {
      const traces = path.join(dir, `t${target}.jsonl`);
      const sc = writeScenario(traces, Math.round(target / SPANS_PER_CHECKOUT));
      const out = path.join(dir, `r${target}.html`);
      // The phases separately (the same calls writeReport makes), then writeReport itself for the page.
      const phases = {};
      const time = (name, fn) => { const t = process.hrtime.bigint(); const v = fn(); phases[name] = Number(process.hrtime.bigint() - t) / 1e6; return v; };
      const spans = time('read', () => readSpansSync([traces]));
      const transactions = time('transactions', () => buildTransactions(spans));
      const stats = time('stats', () => computeStats(spans, { keepDurations: true }));
      time('page', () => fs.writeFileSync(out, buildReport({ transactions, stats, spanCount: spans.length, files: [path.basename(traces)] })));
      const result = { bytes: fs.statSync(out).size, data: toReportData({ transactions, stats, spanCount: spans.length, files: [] }) };
      const buildMs = Object.values(phases).reduce((a, b) => a + b, 0);
      const url = pathToFileURL(out).href;
      const load = [], list = [], search = [], detail = [];
      let firstLoad = 0;
      for (let i = 0; i < RUNS; i++) {
        // Load → overview drawn (parse of the embedded JSON included). about:blank first, so that each
        // load is a fresh document (a goto that only changes the hash keeps the page).
        await page.goto('about:blank');
        const s0 = Date.now();
        await page.goto(`${url}#overview`);
        await page.waitForSelector('#stats-table');
        load.push(Date.now() - s0);
        if (i === 0) firstLoad = load[0];
        const l0 = Date.now();
        await page.click('#tab-transactions');
        await page.waitForSelector('#tx-rows tr');
        list.push(Date.now() - l0);
        const d0 = Date.now();
        await page.click('#tx-rows tr');
        await page.waitForSelector('#waterfall .wf-row');
        detail.push(Date.now() - d0);
        // Search over every embedded transaction's names, attributes and bodies (the planted id may not
        // be among the embedded ones in a reduced report: the scan is the same).
        await page.click('#tab-transactions');
        const q0 = Date.now();
        await page.fill('#tx-search', PLANTED_USER_ID);
        await page.press('#tx-search', 'Enter');
        await page.waitForFunction(() => /^\d+ of/.test(document.querySelector('#tx-count').textContent) && document.querySelectorAll('#tx-rows tr').length <= 1);
        search.push(Date.now() - q0);
      }
      rows.push({
        spans: result.data.totals.spans,
        transactions: result.data.totals.transactions,
        embedded: `${result.data.totals.embeddedTransactions} tx / ${result.data.totals.embeddedSpans} spans`,
        traceMiB: fs.statSync(traces).size / 2 ** 20,
        reportMiB: result.bytes / 2 ** 20,
        buildMs,
        phases,
        firstLoad,
        load: median(load),
        list: median(list),
        search: median(search),
        detail: median(detail),
      });
      void sc;
      console.log(rows[rows.length - 1]);
    }
  } finally {
    await context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const lines = [
    '# HTML report: size and render time',
    '',
    `\`node bench/report.js\`, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, Node ${process.version}, ${require('node:child_process').execFileSync(CHROMIUM, ['--version']).toString().trim()} headless; medians of ${RUNS} loads.`,
    'Generated checkout traffic (test/views/report/scenario.ts). "load" is navigation to the overview drawn (the embedded JSON parsed);',
    '"list" the Transactions tab drawn; "search" a user id found in a request body; "detail" a waterfall drawn.',
    '',
    '| spans | transactions | embedded | trace file | report | build (node) | first load | load | list | search | detail |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.spans} | ${r.transactions} | ${r.embedded} | ${r.traceMiB.toFixed(1)} MiB | ${r.reportMiB.toFixed(1)} MiB | ${r.buildMs.toFixed(0)} ms | ${r.firstLoad} ms | ${r.load} ms | ${r.list} ms | ${r.search} ms | ${r.detail} ms |`),
    '',
    'Build phases (ms): ' + rows.map((r) => `${r.spans} spans: ` + Object.entries(r.phases).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')).join('; ') + '.',
    '',
  ];
  fs.writeFileSync(path.join(__dirname, 'report-results.md'), lines.join('\n'));
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
