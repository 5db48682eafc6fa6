// `wiretap report` as the CLI's command table calls it (runReport), on a generated trace file.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPORT_USAGE, runReport } from '../../../src/cli/report';
import { writeScenario } from './scenario';

describe('wiretap report (runReport)', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  const io = () => ({ stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), defaultFile: path.join(dir, 'missing.jsonl') });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-report-cli-'));
    out = [];
    err = [];
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes one self-contained page and says what it embedded', async () => {
    const sc = writeScenario(path.join(dir, 'a.jsonl'), 12);
    const target = path.join(dir, 'sub', 'r.html');
    expect(await runReport([path.join(dir, 'a.jsonl'), '-o', target, '--title', 'CI run 42'], io())).to.equal(0);
    const html = fs.readFileSync(target, 'utf8');
    expect(html).to.contain('<title>CI run 42</title>');
    expect(out.join(''), out.join('')).to.match(new RegExp(`^wrote .*r\\.html \\(\\d+ KiB\\): ${sc.spans} spans, 12 transactions\\n$`));
  });

  it('runs as `wiretap report` through the bin', () => {
    writeScenario(path.join(dir, 'a.jsonl'), 3);
    const bin = path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'cli', 'index.js');
    const r = spawnSync(process.execPath, [bin, 'report', path.join(dir, 'a.jsonl'), '-o', path.join(dir, 'r.html')], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    expect(fs.readFileSync(path.join(dir, 'r.html'), 'utf8')).to.match(/^<!doctype html>/);
    const help = spawnSync(process.execPath, [bin, 'report', '--help'], { encoding: 'utf8' });
    expect(help.status).to.equal(0);
    expect(help.stdout).to.equal(REPORT_USAGE);
  });

  it('--help prints the usage and exits 0; a bad option exits 2 with the usage', async () => {
    expect(await runReport(['--help'], io())).to.equal(0);
    expect(out.join('')).to.equal(REPORT_USAGE);
    expect(await runReport(['--bogus'], io())).to.equal(2);
    expect(err.join('')).to.contain("Unknown option '--bogus'").and.to.contain('usage: wiretap report');
    expect(await runReport(['--by', 'color'], io())).to.equal(2);
    expect(await runReport(['--max-spans', '-3'], io())).to.equal(2);
  });

  it('shows a progress line for a big file on a terminal only', async () => {
    const file = path.join(dir, 'big.jsonl');
    writeScenario(file, 5);
    fs.appendFileSync(file, `# padding, skipped as non-JSON ${'x'.repeat(5 * 1024 * 1024)}\n`);
    expect(await runReport([file, '-o', path.join(dir, 'r.html')], { ...io(), stderrIsTTY: true })).to.equal(0);
    expect(err.join('')).to.contain('reading ').and.to.contain('%');
    err = [];
    expect(await runReport([file, '-o', path.join(dir, 'r.html')], { ...io(), stderrIsTTY: false })).to.equal(0);
    expect(err.join('')).to.equal('');
  });

  it('exits 1, writing nothing, for a missing file or one that holds no span', async () => {
    expect(await runReport(['-o', path.join(dir, 'r.html')], io())).to.equal(1);
    expect(err.join('')).to.contain('no such file: ' + path.join(dir, 'missing.jsonl'));
    fs.writeFileSync(path.join(dir, 'empty.jsonl'), 'not json\n{"resourceMetrics":[]}\n');
    expect(await runReport([path.join(dir, 'empty.jsonl'), '-o', path.join(dir, 'r.html')], io())).to.equal(1);
    expect(err.join('')).to.contain('no spans in');
    expect(fs.existsSync(path.join(dir, 'r.html'))).to.equal(false);
  });
});
