// Shared by the commands: reading the files named on the command line, and the options they all take.
import * as fs from 'node:fs';
import { readSpans } from '../views/model/read';
import type { Span } from '../views/model/types';
import { type CliIo, progressReporter, UsageError } from './io';

/** The files to read: the positionals, else the default file. A missing file is a usage error. */
export function inputFiles(positionals: string[], io: CliIo): string[] {
  const files = positionals.length ? positionals : [io.defaultFile];
  for (const f of files) {
    if (!fs.existsSync(f)) throw new UsageError(`no such file: ${f}${positionals.length ? '' : ' (give trace files, or set WIRETAP_FILE)'}`);
    if (fs.statSync(f).isDirectory()) throw new UsageError(`${f} is a directory; give trace files`);
  }
  return files;
}

/** Reads the files with a progress line for big ones (terminal only). */
export async function loadSpans(files: string[], io: CliIo): Promise<Span[]> {
  const progress = progressReporter(io);
  try {
    return await readSpans(files, progress.onProgress ? { onProgress: progress.onProgress } : {});
  } finally {
    progress.done();
  }
}

/** Parses a --width value. */
export function widthOption(value: string | undefined, io: CliIo): number {
  if (value === undefined) return io.width;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 40) throw new UsageError(`--width takes an integer of at least 40 (got "${value}")`);
  return n;
}
