// The HTML report in a real browser: Debian's chromium driven by playwright-core, the page loaded from
// file://. Screenshots go to build/artifacts/report/ (and the README's to docs/img/report.png when
// WIRETAP_UPDATE_SCREENSHOTS=1 or when it is missing).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { readSpansSync } from '../../../src/views/model/read';
import { computeStats } from '../../../src/views/model/stats';
import { buildTransactions } from '../../../src/views/model/transactions';
import type { Transaction } from '../../../src/views/model/types';
import { buildReport } from '../../../src/views/report';
import { BREAKOUT_BODY, PLANTED_USER_ID, writeScenario, type Scenario } from './scenario';

// Functions passed to page.evaluate run in the page; these are its globals (the tests compile without the DOM lib).
declare const document: any, location: any, window: any, getComputedStyle: any;
type HTMLElement = any;
type Element = any;

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const ARTIFACTS = path.join(ROOT, 'build', 'artifacts', 'report');
const README_SHOT = path.join(ROOT, 'docs', 'img', 'report.png');
const FIXED_NOW = new Date(Date.UTC(2026, 0, 15, 9, 30, 0));

interface Built {
  file: string;
  url: string;
  transactions: Transaction[];
  stats: ReturnType<typeof computeStats>;
  spanCount: number;
}

function build(dir: string, name: string, traces: string, options: Parameters<typeof buildReport>[1] = {}): Built {
  const spans = readSpansSync([traces]);
  const transactions = buildTransactions(spans);
  const stats = computeStats(spans, { keepDurations: true });
  const html = buildReport({ transactions, stats, spanCount: spans.length, files: [path.basename(traces)] }, { now: FIXED_NOW, title: 'wiretap report: checkout demo', ...options });
  const file = path.join(dir, name);
  fs.writeFileSync(file, html);
  return { file, url: pathToFileURL(file).href, transactions, stats, spanCount: spans.length };
}

describe('report in chromium (file://)', function () {
  this.timeout(60_000);
  let context: BrowserContext | undefined;
  let page: Page;
  let dir: string;
  let scenario: Scenario;
  let report: Built;
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      // CI installs it (scripts/ci/views-report.sh); a developer machine without it skips, saying so.
      console.log(`    skipped: ${CHROMIUM} is missing; scripts/ci/views-report.sh installs Debian's chromium`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-report-'));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    scenario = writeScenario(path.join(dir, 'traces.jsonl'), 24);
    report = build(dir, 'report.html', path.join(dir, 'traces.jsonl'));
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 860 },
    });
    // Every request the page makes is recorded; only the report file itself may be loaded.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      requests.push(url);
      if (url.split('#')[0].startsWith('file://') && fs.existsSync(new URL(url.split('#')[0]).pathname)) return route.continue();
      return route.abort();
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
  });
  after(async () => {
    await context?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(hash: string, url = report.url) {
    // A fresh load each time (a goto that only changes the hash would keep the last test's state).
    await page.goto(`${url}#${hash}`);
    await page.reload();
    await page.waitForFunction(() => document.querySelector('#app header') !== null);
  }
  const txOf = (traceId: string) => report.transactions.find((t) => t.traceIds.includes(traceId)) as Transaction;

  it('loads from file:// with no network request and no console error, on every view', async () => {
    requests.length = 0;
    consoleErrors.length = 0;
    for (const hash of ['overview', 'map', 'transactions', `tx/${report.transactions[0].id}`, 'compare']) {
      await open(hash);
      await page.screenshot({ path: path.join(ARTIFACTS, `${hash.split('/')[0]}.png`) });
    }
    const foreign = requests.filter((u) => u.split('#')[0] !== report.url);
    expect(foreign, 'requests other than the report file').to.deep.equal([]);
    expect(requests.length).to.be.greaterThan(0); // the listener saw the page itself
    expect(consoleErrors).to.deep.equal([]);
  });

  it('shows the same stats rows, transactions and search hits as the CLI', async () => {
    const cli = (...args: string[]) => {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli', 'index.js'), ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(r.status, r.stderr).to.equal(0);
      return JSON.parse(r.stdout);
    };
    const traces = path.join(dir, 'traces.jsonl');
    const cliRows = cli('stats', traces, '-F', 'json') as { key: string; service: string; count: number }[];
    await open('overview');
    const pageRows = await page.$$eval('#stats-table tbody tr', (trs) => trs.map((tr) => ({ key: tr.getAttribute('data-key'), count: Number(tr.children[3].textContent) })));
    expect(pageRows).to.deep.equal(cliRows.map((r) => ({ key: r.key, count: r.count })));
    const cliTx = cli('view', traces, '--json') as { id: string }[];
    await open('transactions');
    const pageTx = await page.$$eval('#tx-rows tr', (trs) => trs.map((tr) => tr.getAttribute('data-id')));
    expect(pageTx).to.have.members(cliTx.map((t) => t.id));
    expect(pageTx).to.have.length(cliTx.length);
    const cliHit = cli('view', traces, '--grep', PLANTED_USER_ID, '--json') as { id: string }[];
    await page.fill('#tx-search', PLANTED_USER_ID);
    await page.press('#tx-search', 'Enter');
    expect(await page.$$eval('#tx-rows tr', (trs) => trs.map((tr) => tr.getAttribute('data-id')))).to.deep.equal(cliHit.map((t) => t.id));
  });

  it('shows as many stats rows, transactions and map edges as the model computes', async () => {
    await open('overview');
    // p50/p95/p99 bars on one scale: the longest p99 fills the track.
    const scale = Math.max(...report.stats.map((r) => r.p99));
    const bars = await page.$$eval('#stats-table .pbars span', (els) => els.map((e) => ({ ms: Number(e.getAttribute('data-ms')), w: e.getBoundingClientRect().width, track: e.parentElement.getBoundingClientRect().width })));
    expect(bars).to.have.length(report.stats.length * 3);
    for (const b of bars) expect(b.w, `${b.ms} ms`).to.be.closeTo((b.track * b.ms) / scale, 1);
    expect(await page.evaluate(() => document.scrollingElement.scrollWidth <= window.innerWidth)).to.equal(true);
    expect(await page.locator('#stats-table tbody tr').count()).to.equal(report.stats.length);
    const calls = await page.locator('#stats-table tbody tr td:nth-child(4)').allTextContents();
    expect(calls.map(Number).reduce((a, b) => a + b, 0)).to.equal(report.stats.reduce((n, r) => n + r.count, 0));
    await open('transactions');
    expect(await page.locator('#tx-rows tr').count()).to.equal(report.transactions.length);
    // Every consumer was joined to its checkout, so transactions = checkouts.
    expect(report.transactions.length).to.equal(scenario.checkouts);
    expect(await page.locator('#tx-count').textContent()).to.equal(`${scenario.checkouts} of ${scenario.checkouts} transactions`);
  });

  it('finds exactly the transaction of a planted user id (it is only in a request body)', async () => {
    await open('transactions');
    await page.fill('#tx-search', PLANTED_USER_ID);
    await page.press('#tx-search', 'Enter');
    const rows = page.locator('#tx-rows tr');
    expect(await rows.count()).to.equal(1);
    expect(await rows.first().getAttribute('data-id')).to.equal(txOf(scenario.plantedTraceId).id);
    await page.screenshot({ path: path.join(ARTIFACTS, 'search.png') });
  });

  it('filters errors, retries, unfinished and service as the model counts them, and sorts by a column', async () => {
    await open('transactions');
    for (const [flag, expected] of [
      ['errors', report.transactions.filter((t) => t.errors > 0).length],
      ['retries', report.transactions.filter((t) => t.retries > 0).length],
      ['unfinished', report.transactions.filter((t) => t.unfinished > 0).length],
    ] as const) {
      await page.check(`#f-${flag}`);
      expect(await page.locator('#tx-rows tr').count(), flag).to.equal(expected);
      expect(expected, flag).to.be.greaterThan(0);
      await page.uncheck(`#f-${flag}`);
    }
    await page.selectOption('#f-service', 'order-worker');
    expect(await page.locator('#tx-rows tr').count()).to.equal(report.transactions.filter((t) => t.services.includes('order-worker')).length);
    await page.selectOption('#f-service', '');
    // Sorting: the duration header sorts longest first, then shortest first.
    await page.click('#tx-table th[data-col=duration] button');
    const ids = await page.$$eval('#tx-rows tr', (trs) => trs.map((tr) => tr.getAttribute('data-id')));
    expect(ids).to.deep.equal([...report.transactions].sort((a, b) => b.durationMs - a.durationMs).map((t) => t.id));
    expect(await page.getAttribute('#tx-table th[data-col=duration]', 'aria-sort')).to.equal('descending');
    await page.click('#tx-table th[data-col=duration] button');
    expect(await page.getAttribute('#tx-table th[data-col=duration]', 'aria-sort')).to.equal('ascending');
  });

  it('draws waterfall bars proportional to the durations', async () => {
    const tx = txOf(scenario.fixedTraceId);
    await open(`tx/${tx.id}`);
    const bars = await page.$$eval('#waterfall .wf-row .bar', (els) =>
      els.map((e) => ({ ms: Number(e.getAttribute('data-ms')), start: Number(e.getAttribute('data-start')), left: (e as HTMLElement).getBoundingClientRect().left, width: (e as HTMLElement).getBoundingClientRect().width })),
    );
    expect(bars.length).to.equal(tx.spans.length);
    const track = await page.$eval('#waterfall .wf-track', (e) => e.getBoundingClientRect().width);
    const origin = bars[0].left;
    for (const b of bars) {
      expect(b.width, `width of a ${b.ms} ms bar`).to.be.closeTo(Math.max(2, (track * b.ms) / tx.durationMs), 1.5);
      expect(b.left - origin, `offset of a bar starting at ${b.start} ms`).to.be.closeTo((track * b.start) / tx.durationMs, 1.5);
    }
    // The fixed checkout: a 250 ms root, a 50 ms GetItem and a 150 ms Stripe call.
    const widthOf = (ms: number) => bars.find((b) => Math.abs(b.ms - ms) < 0.01)!.width;
    expect(widthOf(150) / widthOf(250)).to.be.closeTo(0.6, 0.01);
    expect(widthOf(50) / widthOf(250)).to.be.closeTo(0.2, 0.01);
    await page.screenshot({ path: path.join(ARTIFACTS, 'waterfall.png') });
  });

  it('renders an unfinished call as an open bar', async () => {
    const tx = txOf(scenario.unfinishedTraceId);
    await open(`tx/${tx.id}`);
    const open_ = page.locator('#waterfall .bar.open');
    expect(await open_.count()).to.equal(tx.unfinished);
    const style = await open_.first().evaluate((e) => getComputedStyle(e).borderRightStyle);
    expect(style).to.equal('dashed');
    const closed = await page.locator('#waterfall .bar:not(.open)').first().evaluate((e) => getComputedStyle(e).borderRightStyle);
    expect(closed).to.not.equal('dashed');
    expect(await page.locator('#waterfall .wf-row:has(.bar.open) .badge.open').first().textContent()).to.equal('unfinished');
  });

  it('draws the async hop: a dashed edge through the queue on the map, the queueing delay in the waterfall', async () => {
    await open('map');
    const asyncEdges = page.locator('#service-map .edge.async');
    expect(await asyncEdges.count()).to.equal(2); // shop-api → order-events → order-worker
    const dash = await asyncEdges.first().locator('path').evaluate((e) => getComputedStyle(e).strokeDasharray);
    expect(dash).to.not.equal('none');
    expect(await page.locator('#service-map .node.channel').textContent()).to.contain('order-events');
    const withHop = report.transactions.find((t) => t.hops.length > 0)!;
    await open(`tx/${withHop.id}`);
    const gap = await page.$eval('#waterfall .hop-gap', (e) => e.getBoundingClientRect().width);
    expect(gap).to.be.greaterThan(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'map-hop.png') });
  });

  it('draws a function that consumes its own queue as a loop inside the map', async () => {
    const traces = path.join(dir, 'cycle.jsonl');
    writeScenario(traces, 6, 7, 'shop-api');
    const cycle = build(dir, 'cycle.html', traces);
    await open('map', cycle.url);
    expect(await page.locator('#service-map .edge.async').count()).to.equal(2);
    const box = await page.$eval('#service-map', (svg) => svg.getBoundingClientRect().toJSON());
    const edges = await page.$$eval('#service-map .edge', (gs) => gs.map((g) => g.getBoundingClientRect().toJSON()));
    for (const e of edges) {
      expect(e.left).to.be.at.least(box.left - 0.5);
      expect(e.top).to.be.at.least(box.top - 0.5);
      expect(e.right).to.be.at.most(box.right + 0.5);
      expect(e.bottom).to.be.at.most(box.bottom + 0.5);
    }
    // The function is left of its queue (the consumer edge is the loop back).
    const x = async (label: string) => page.$eval(`#service-map .node[data-id="${label}"]`, (g) => g.getBoundingClientRect().left);
    expect(await x('fn:shop-api')).to.be.lessThan(await x('ch:order-events'));
    await page.screenshot({ path: path.join(ARTIFACTS, 'map-cycle.png') });
  });

  it('works from the keyboard: tabs, / to search, arrows and Enter in the list and the waterfall', async () => {
    await open('transactions');
    const listIds = await page.$$eval('#tx-rows tr', (trs) => trs.map((tr) => tr.getAttribute('data-id')));
    expect(await page.locator('#tx-rows tr[tabindex="0"]').count()).to.equal(1); // one tab stop for the list
    await page.focus('#tx-rows tr');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-id'))).to.equal(listIds[1]);
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-id'))).to.equal(listIds[0]);
    await open('overview');
    await page.focus('#tab-overview');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => location.hash)).to.equal('#map');
    expect(await page.getAttribute('#tab-map', 'aria-selected')).to.equal('true');
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('tx-search');
    await page.keyboard.type(PLANTED_USER_ID);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab'); // the first filter
    await page.focus('#tx-rows tr');
    await page.keyboard.press('Enter');
    const tx = txOf(scenario.plantedTraceId);
    expect(await page.evaluate(() => decodeURIComponent(location.hash))).to.equal(`#tx/${tx.id}`);
    await page.focus('#waterfall');
    const first = await page.locator('#span-panel h3').first().textContent();
    await page.keyboard.press('ArrowDown');
    const second = await page.locator('#span-panel h3').first().textContent();
    expect(first).to.equal(tx.root.span.name);
    expect(second).to.not.equal(first);
    expect(await page.getAttribute('#waterfall', 'aria-activedescendant')).to.equal('wf-1');
    await page.keyboard.press('End');
    expect(await page.getAttribute('#waterfall', 'aria-activedescendant')).to.equal(`wf-${tx.spans.length - 1}`);
  });

  it('shows a span\'s events, attributes and pretty-printed request in its panel', async () => {
    const failing = report.transactions.find((t) => t.root.span.events.length > 0)!;
    await open(`tx/${failing.id}`);
    const panel = page.locator('#span-panel');
    expect(await panel.locator('h3', { hasText: 'Events' }).count()).to.equal(1);
    expect(await panel.textContent()).to.contain('exception').and.to.contain('payment declined');
    expect(await panel.locator('td', { hasText: /^http\.route$/ }).count()).to.equal(1);
    await page.locator('#waterfall .wf-row', { hasText: 'DynamoDB.GetItem' }).click();
    const req = await page.locator('#req-body').textContent();
    expect(req).to.match(/^\{\n  "TableName": "orders",\n  "Key": \{/);
  });

  it('links a span to the transaction its link points to (Enter in the waterfall reaches the link)', async () => {
    const tx = txOf(scenario.linkingTraceId);
    const target = txOf(scenario.fixedTraceId);
    expect(tx.id).to.not.equal(target.id);
    await open(`tx/${tx.id}`);
    await page.locator('#waterfall .wf-row', { hasText: 'DynamoDB.GetItem' }).click();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.className)).to.equal('joined');
    await page.keyboard.press('Enter');
    await page.waitForFunction((id: string) => decodeURIComponent(location.hash) === `#tx/${id}`, target.id);
    expect(await page.locator('#view-tx h2').textContent()).to.contain(target.root.span.name);
    expect(await page.locator('#waterfall .wf-row').count()).to.equal(target.spans.length);
  });

  it('keeps a body that contains </script> and <!-- inside the data, and shows it as text', async () => {
    const html = fs.readFileSync(report.file, 'utf8');
    const dataBlock = html.slice(html.indexOf('id="wiretap-data">'), html.indexOf('</script>', html.indexOf('id="wiretap-data">')));
    expect(dataBlock).to.not.match(/<\/script|<!--/i);
    expect(dataBlock).to.contain('\\u003c/script\\u003e'); // the body is there, escaped
    const tx = report.transactions.find((t) => t.spans.some((s) => s.attributes['http.response.body.content'] === BREAKOUT_BODY))!;
    await open(`tx/${tx.id}`);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).to.equal(undefined);
    await page.locator('#waterfall .wf-row', { hasText: 'DynamoDB.GetItem' }).click();
    expect(await page.locator('#res-body').textContent()).to.equal(JSON.stringify(JSON.parse(BREAKOUT_BODY), null, 2));
    expect(await page.locator('script').count()).to.equal(2); // the data block and the page's own
  });

  it('virtualises a 5000-span waterfall and still reaches its last row', async () => {
    const traces = path.join(dir, 'wide.jsonl');
    fs.writeFileSync(traces, wideTrace(5000));
    const wide = build(dir, 'wide.html', traces);
    await open(`tx/${wide.transactions[0].id}`, wide.url);
    const drawn = await page.locator('#waterfall .wf-row').count();
    expect(drawn).to.be.greaterThan(5).and.lessThan(120);
    await page.focus('#waterfall');
    await page.keyboard.press('End');
    await page.waitForFunction(() => document.querySelector('#waterfall .wf-row[data-index="5000"]') !== null);
    expect(await page.locator('#waterfall .wf-row').count()).to.be.lessThan(120);
    expect(await page.locator('#span-panel h3').first().textContent()).to.equal('GET /item/4999');
  });

  it('says so on the page when a large input is reduced, and keeps every span in the stats', async () => {
    const reduced = build(dir, 'reduced.html', path.join(dir, 'traces.jsonl'), { maxEmbeddedSpans: 40, slowest: 2, samplePerOperation: 1 });
    await open('overview', reduced.url);
    const notice = await page.locator('#reduced-notice').textContent();
    expect(notice).to.contain('Large input');
    const calls = await page.locator('#stats-table tbody tr td:nth-child(4)').allTextContents();
    expect(calls.map(Number).reduce((a, b) => a + b, 0)).to.equal(reduced.stats.reduce((n, r) => n + r.count, 0));
    await open('transactions', reduced.url);
    const shown = await page.locator('#tx-rows tr').count();
    expect(shown).to.be.lessThan(reduced.transactions.length);
    await page.check('#f-unfinished');
    expect(await page.locator('#tx-rows tr').count()).to.equal(reduced.transactions.filter((t) => t.unfinished > 0).length);
    await page.screenshot({ path: path.join(ARTIFACTS, 'reduced.png') });
  });

  it('compares two transactions by structure', async () => {
    const [a, b] = report.transactions;
    await open(`compare/${a.id}/${b.id}`);
    const rows = await page.locator('#cmp-table tbody tr').count();
    const added = await page.locator('#cmp-added li').count();
    const removed = await page.locator('#cmp-removed li').count();
    // Every span of A is either matched or removed, every span of B matched or added.
    expect(rows + removed).to.equal(a.spans.length);
    expect(rows + added).to.equal(b.spans.length);
  });

  it('has a dark mode and readable contrast in both schemes', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await open(`tx/${txOf(scenario.fixedTraceId).id}`);
      const pairs = await page.evaluate(() => {
        const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
        const lum = (c: string) => {
          const [r, g, b] = rgb(c).map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const ratio = (a: string, b: string) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
        const bg = getComputedStyle(document.body).backgroundColor;
        const of = (sel: string) => getComputedStyle(document.querySelector(sel) as Element).color;
        return { bg, text: ratio(of('body'), bg), muted: ratio(of('.meta'), bg), link: ratio(of('a'), bg), error: ratio(getComputedStyle(document.querySelector('.badge') as Element).color, bg) };
      });
      expect(pairs.text, `${scheme} text`).to.be.greaterThan(7);
      expect(pairs.muted, `${scheme} muted text`).to.be.greaterThan(4.5);
      expect(pairs.link, `${scheme} links`).to.be.greaterThan(4.5);
      expect(pairs.error, `${scheme} badges`).to.be.greaterThan(4.5);
      if (scheme === 'dark') expect(pairs.bg).to.not.equal('rgb(255, 255, 255)');
      await page.screenshot({ path: path.join(ARTIFACTS, `detail-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('shows a transaction\'s log lines under the waterfall and in the span panel, and searches them', async () => {
    // The scenario's first transaction, plus log lines written in its root span (as the log capture writes them).
    const traces = path.join(dir, 'traces.jsonl');
    const tx = report.transactions[0];
    const root = tx.root.span;
    const startNs = BigInt(root.startTimeUnixNano);
    const record = (offsetMs: number, severity: [number, string], body: string) => ({
      timeUnixNano: String(startNs + BigInt(offsetMs * 1e6)), severityNumber: severity[0], severityText: severity[1],
      body: { stringValue: body }, attributes: [], traceId: root.traceId, spanId: root.spanId,
    });
    const withLogs = path.join(dir, 'traces-with-logs.jsonl');
    fs.writeFileSync(withLogs, fs.readFileSync(traces, 'utf8') + JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ scope: { name: 'console' }, logRecords: [
      record(0.5, [9, 'INFO'], 'checkout started for planted-log-user-99'),
      record(1, [17, 'ERROR'], 'payment provider said no'),
    ] }] }] }) + '\n');
    const { logsByTransaction, readLogsSync } = await import('../../../src/views/model/logs');
    const logs = logsByTransaction(report.transactions, readLogsSync([withLogs]));
    expect(logs.get(tx.id)).to.have.length(2);
    const html = buildReport({ transactions: report.transactions, stats: report.stats, spanCount: report.spanCount, files: ['traces-with-logs.jsonl'], logs }, { now: FIXED_NOW });
    const file = path.join(dir, 'report-logs.html');
    fs.writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    consoleErrors.length = 0;
    await open(`tx/${tx.id}`, url);
    const rows = await page.$$eval('#tx-logs li', (lis) => lis.map((li) => ({ text: li.textContent, cls: li.className })));
    expect(rows.map((r) => r.text)).to.satisfy((t: string[]) => t[0].includes('checkout started for planted-log-user-99') && t[1].includes('payment provider said no'));
    expect(rows[1].cls).to.include('err');
    // The root is selected first: its panel lists its lines.
    expect(await page.$$eval('#span-logs li', (lis) => lis.length)).to.equal(2);
    await page.screenshot({ path: path.join(ARTIFACTS, 'logs.png'), fullPage: true });
    // A value that only a log line holds finds its transaction.
    await open('transactions', url);
    await page.fill('#tx-search', 'planted-log-user-99');
    await page.press('#tx-search', 'Enter');
    expect(await page.$$eval('#tx-rows tr', (trs) => trs.map((tr) => tr.getAttribute('data-id')))).to.deep.equal([tx.id]);
    expect(consoleErrors).to.deep.equal([]);
  });

  it('makes the README screenshot', async () => {
    const retried = report.transactions.find((t) => t.retries > 0 && t.hops.length > 0) ?? report.transactions[0];
    await page.setViewportSize({ width: 1280, height: 560 });
    await open(`tx/${retried.id}`);
    await page.locator('#waterfall .wf-row', { hasText: 'attempt 2/2' }).click();
    const shot = path.join(ARTIFACTS, 'report.png');
    await page.screenshot({ path: shot });
    expect(fs.statSync(shot).size).to.be.greaterThan(10_000);
    if (process.env.WIRETAP_UPDATE_SCREENSHOTS === '1' || !fs.existsSync(README_SHOT)) {
      fs.mkdirSync(path.dirname(README_SHOT), { recursive: true });
      fs.copyFileSync(shot, README_SHOT);
    }
    await page.setViewportSize({ width: 1400, height: 860 });
  });
});

/** One transaction with n sibling calls (for the virtualised waterfall). */
function wideTrace(n: number): string {
  const traceId = 'a'.repeat(32);
  const root = 'b'.repeat(16);
  const t0 = Date.UTC(2026, 0, 15) * 1e6;
  const spans = [{ traceId, spanId: root, name: 'GET /batch', kind: 2, startTimeUnixNano: String(t0), endTimeUnixNano: String(t0 + (n + 10) * 1e6), attributes: [], status: {} }];
  for (let i = 0; i < n; i++) {
    spans.push({ traceId, spanId: (i + 1).toString(16).padStart(16, '0'), parentSpanId: root, name: `GET /item/${i}`, kind: 3,
      startTimeUnixNano: String(t0 + (i + 1) * 1e6), endTimeUnixNano: String(t0 + (i + 2) * 1e6), attributes: [], status: {} } as never);
  }
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'batcher' } }] }, scopeSpans: [{ spans }] }] }) + '\n';
}
