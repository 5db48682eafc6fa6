#!/usr/bin/env node
// `wiretap view [file]`: prints the spans in a wiretap-traces.jsonl file as readable trace trees.
import { readSpanFile } from './otlp-json';
import { renderTree } from './tree';

function main(argv: string[]): number {
  const [command = 'view', file = process.env.WIRETAP_FILE || 'wiretap-traces.jsonl'] = argv;
  if (command !== 'view') {
    process.stderr.write('usage: wiretap view [file]   (default: $WIRETAP_FILE or ./wiretap-traces.jsonl)\n');
    return 2;
  }
  const spans = readSpanFile(file);
  if (spans.length === 0) {
    process.stderr.write(`no spans in ${file}\n`);
    return 1;
  }
  process.stdout.write(renderTree(spans));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
