// The command table in-process: --help everywhere, usage errors exit 2 with a message, colours only
// when asked, the width respected, the progress line only on a terminal.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { type CliIo, progressReporter } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/main';

const traces = path.resolve(__dirname, '../../../../test/cli/traces');
const scenario = path.join(traces, 'scenario.jsonl');

function io(over: Partial<CliIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), defaultFile: path.join(os.tmpdir(), 'wiretap-no-such-file.jsonl'), color: false, width: 100, stderrIsTTY: false, ...over };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

describe('cli/main', () => {
  for (const command of ['view', 'stats', 'diff', 'replay']) {
    it(`${command} --help prints its usage on stdout and exits 0 (never reads --help as a file)`, async () => {
      for (const flag of ['--help', '-h']) {
        const t = io();
        expect(await runCli([command, flag], t.io)).to.equal(0);
        expect(t.out()).to.match(new RegExp(`^usage: wiretap ${command} `));
        expect(t.err()).to.equal('');
      }
      const viaHelp = io();
      expect(await runCli(['help', command], viaHelp.io)).to.equal(0);
      expect(viaHelp.out()).to.match(new RegExp(`^usage: wiretap ${command} `));
    });
  }

  it('no arguments: the usage on stderr, exit 2; --help: on stdout, exit 0', async () => {
    const none = io();
    expect(await runCli([], none.io)).to.equal(2);
    expect(none.err()).to.match(/^usage: wiretap <command>/);
    const help = io();
    expect(await runCli(['--help'], help.io)).to.equal(0);
    expect(help.out()).to.include('stats    latency');
  });

  it('usage errors are one message and a pointer to --help, exit 2, no stack trace', async () => {
    for (const args of [['view', '--bogus', scenario], ['view', scenario, '--sort', 'size'], ['stats', scenario, '--format', 'xml'], ['stats', scenario, '--by', 'colour'], ['replay', scenario], ['replay', scenario, '--to', 'ftp://x'], ['view', scenario, '--where', 'name~(']]) {
      const t = io();
      expect(await runCli(args, t.io), args.join(' ')).to.equal(2);
      expect(t.err(), args.join(' ')).to.match(/^wiretap \w+: .+\n\(wiretap \w+ --help lists the options\)\n$/);
      expect(t.err()).to.not.match(/\n\s+at /);
    }
  });

  it('a file name without a command means view (the old `wiretap file.jsonl`)', async () => {
    const t = io();
    expect(await runCli([scenario], t.io)).to.equal(0);
    expect(t.out()).to.match(/^3 transactions/);
  });

  it('the default file is the io default ($WIRETAP_FILE is read by the entry)', async () => {
    const t = io({ defaultFile: scenario });
    expect(await runCli(['view'], t.io)).to.equal(0);
    expect(t.out()).to.include('api POST /orders');
    const missing = io();
    expect(await runCli(['view'], missing.io)).to.equal(2);
    expect(missing.err()).to.include('set WIRETAP_FILE');
  });

  it('colours only when the io says so', async () => {
    const plain = io();
    await runCli(['view', scenario, '--trace', '7372762d31000000'], plain.io);
    expect(plain.out()).to.not.include('\x1b[');
    const coloured = io({ color: true });
    await runCli(['view', scenario, '--trace', '7372762d31000000'], coloured.io);
    expect(coloured.out()).to.include('\x1b[');
    expect(coloured.out().replace(/\x1b\[[0-9;]*m/g, '')).to.equal(plain.out());
  });

  it('the waterfall fits the width it is given', async () => {
    for (const width of [60, 100, 160]) {
      const t = io({ width });
      await runCli(['view', scenario, '--trace', '7372762d31000000'], t.io);
      const rows = t.out().split('\n').filter((l) => l.includes('|'));
      expect(rows.length).to.be.greaterThan(3);
      for (const row of rows) expect([...row].length, row).to.be.at.most(width);
      expect([...rows[0]].length).to.be.greaterThan(width - 5);
    }
  });

  it('stats: a known width drops the least needed columns and says so; a pipe (width unknown) gets every column', async () => {
    const narrow = io({ width: 90, widthIsKnown: true });
    expect(await runCli(['stats', scenario], narrow.io)).to.equal(0);
    const lines = narrow.out().trimEnd().split('\n');
    for (const l of lines) expect([...l].length, l).to.be.at.most(90);
    expect(lines[0]).to.match(/P95 +P99$/);
    expect(lines[0]).to.not.include('TOTAL');
    expect(lines[lines.length - 1]).to.match(/^\(fitted to 90 columns without TOTAL, MAX, P50/);
    const pipe = io({ width: 80 });
    await runCli(['stats', scenario], pipe.io);
    expect(pipe.out().split('\n')[0]).to.match(/P50 +P95 +P99 +MAX +TOTAL$/);
  });

  it('bars are proportional to durations', async () => {
    const t = io({ width: 160 });
    await runCli(['view', scenario, '--trace', '7372762d33000000'], t.io);
    const bar = (name: string) => (t.out().split('\n').find((l) => l.includes(name))!.split('|')[1].match(/█/g) ?? []).length;
    const total = t.out().split('\n').find((l) => l.includes('|0'))!.split('|')[1].length;
    // GetItem 250 ms and Algolia 80 ms of a 990 ms transaction.
    expect(bar('DynamoDB.GetItem')).to.be.within(Math.floor((250 / 990) * total), Math.ceil((250 / 990) * total) + 1);
    expect(bar('Algolia')).to.be.within(Math.floor((80 / 990) * total), Math.ceil((80 / 990) * total) + 1);
  });

  it('an unfinished call renders as an open bar, OPEN in the status', async () => {
    const t = io();
    await runCli(['view', scenario, '--trace', '696e762d32000000'], t.io);
    const row = t.out().split('\n').find((l) => l.includes('PaymentIntents.confirm'))!;
    expect(row).to.match(/OPEN timeout/);
    expect(row).to.match(/▒+▶\|$/);
  });

  it('--json list and --trace --json are parseable and carry the tree', async () => {
    const list = io();
    await runCli(['view', scenario, '--json'], list.io);
    expect(JSON.parse(list.out()).map((t: { id: string }) => t.id)).to.deep.equal(['7372762d31000000', '696e762d32000000', '7372762d33000000']);
    const one = io();
    await runCli(['view', scenario, '--trace', '7372762d31000000', '--json'], one.io);
    const tx = JSON.parse(one.out());
    expect(tx.tree.children.map((c: { label: string }) => c.label)).to.deep.equal(['DynamoDB.PutItem orders', 'SQS.SendMessage order-events']);
    expect(tx.tree.children[1].children[0].hop.via).to.equal('link');
  });

  it('no match: exit 1 with the count line', async () => {
    const t = io();
    expect(await runCli(['view', scenario, '--grep', 'no-such-customer'], t.io)).to.equal(1);
    expect(t.out()).to.include('0 match');
  });

  it('progress: only when stderr is a terminal and the file is big; the line is cleared at the end', () => {
    const quiet = io();
    expect(progressReporter(quiet.io).onProgress).to.equal(undefined);
    const tty = io({ stderrIsTTY: true });
    const p = progressReporter(tty.io, 100);
    p.onProgress!(50, 1000, 'big.jsonl');
    p.onProgress!(10, 20, 'small.jsonl');
    p.done();
    expect(tty.err()).to.equal('\r\x1b[2Kreading big.jsonl  5% (0.0 of 0.0 MB)\r\x1b[2K');
  });

  it('progress is reported while reading (readSpans onProgress)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-progress-'));
    const big = path.join(dir, 'big.jsonl');
    const line = fs.readFileSync(scenario, 'utf8');
    fs.writeFileSync(big, line.repeat(1200)); // ~ 5.6 MB of the same spans (deduplicated on read)
    const t = io({ stderrIsTTY: true });
    expect(await runCli(['view', big], t.io)).to.equal(0);
    expect(t.err()).to.match(/reading .*big\.jsonl {2}100% \(/);
    expect(t.err().endsWith('\r\x1b[2K')).to.equal(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
