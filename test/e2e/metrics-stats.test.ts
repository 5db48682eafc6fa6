// `wiretap stats` on a file that holds metrics but no spans (traces off or sampled away): the rows come
// from the exported histograms and count every call.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { DIST, runApp } from '../helpers/run-app';

describe('e2e: wiretap stats from metrics alone', function () {
  this.timeout(30000);
  it('counts every call, errors included, with percentiles from the histograms, and gates on them', async () => {
    const r = await runApp({ app: 'test/e2e/apps/metrics-calls.js', env: { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'file' } });
    expect(r.code, r.stderr).to.equal(0);
    const counts = r.json().find((l) => l.counts)!.counts as { getItem: number; getItemErrors: number; sendMessage: number };
    const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(DIST, 'cli', 'index.js'), 'stats', r.file, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const json = cli('-F', 'json');
    expect(json.status, json.stderr).to.equal(0);
    expect(json.stderr).to.match(/no spans: rows from the metric histograms \(percentiles within ±\d/);
    const rows = JSON.parse(json.stdout) as { key: string; count: number; errors: number; p50: number; p99: number }[];
    const get = rows.find((x) => x.key === 'DynamoDB.GetItem')!;
    expect([get.count, get.errors]).to.deep.equal([counts.getItem + counts.getItemErrors, counts.getItemErrors]);
    expect(get.p99).to.be.greaterThan(get.p50).and.greaterThan(0);
    expect(rows.find((x) => x.key === 'SQS.SendMessage')!.count).to.equal(counts.sendMessage);
    expect(cli('--fail-if', 'DynamoDB.GetItem p99>100s').status).to.equal(0);
    expect(cli('--fail-if', 'errors>0').status).to.equal(1);
  });
});
