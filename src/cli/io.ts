// What every command gets from the entry point: where to write, whether to colour, how wide to draw,
// and the default trace file. The entry (index.ts) builds it once from the process; tests build their own.
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The default input file ($WIRETAP_FILE or ./wiretap-traces.jsonl). */
  defaultFile: string;
  /** Colour the output (a TTY without NO_COLOR, or FORCE_COLOR). */
  color: boolean;
  /** Columns to draw in: --width, else COLUMNS, else the terminal's, else 100. */
  width: number;
  /** The width is the user's (COLUMNS or a terminal), not the default for a pipe: tables may drop columns to fit. */
  widthIsKnown?: boolean;
  /** stderr is a terminal: progress lines are allowed. */
  stderrIsTTY: boolean;
  /** Resolves when the user interrupts a long-running command (--follow). */
  interrupted?: Promise<void>;
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1, dim: 2 } as const;
export type Style = keyof typeof CODES;

export function painter(enabled: boolean): (style: Style, text: string) => string {
  return enabled ? (style, text) => (text === '' ? text : `\x1b[${CODES[style]}m${text}\x1b[0m`) : (_style, text) => text;
}

/** Visible length (ANSI escapes excluded; every code point counts one column). */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/\x1b\[[0-9;]*m/g, '')].length;
}

export function padEnd(text: string, width: number): string {
  const n = visibleLength(text);
  return n >= width ? text : text + ' '.repeat(width - n);
}

export function padStart(text: string, width: number): string {
  const n = visibleLength(text);
  return n >= width ? text : ' '.repeat(width - n) + text;
}

/** Cuts plain text to `width` columns with an ellipsis. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return chars.slice(0, width).join('');
  return chars.slice(0, width - 1).join('') + '…';
}

/** `975.1 ms`, `12.3 s`, `850 µs`: a duration for people. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const a = Math.abs(ms);
  if (a >= 60_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (a >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (a >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (a >= 1) return `${ms.toFixed(1)} ms`;
  if (a === 0) return '0 ms';
  return `${Math.round(ms * 1000)} µs`;
}

export function formatDelta(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return `${ms >= 0 ? '+' : '-'}${formatMs(Math.abs(ms))}`;
}

/** UTC wall time of an epoch-ms instant: `2026-12-01 10:14:19.082`. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** Renders rows as aligned columns; `right` marks numeric columns. The last column takes what is left. */
export function table(header: string[], rows: string[][], options: { right?: boolean[]; width?: number; gap?: number } = {}): string {
  const gap = options.gap ?? 2;
  const widths = header.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  if (options.width) {
    const fixed = widths.slice(0, -1).reduce((a, b) => a + b + gap, 0);
    widths[widths.length - 1] = Math.max(8, Math.min(widths[widths.length - 1], options.width - fixed));
  }
  const line = (cells: string[]) =>
    cells
      .map((c, i) => {
        const last = i === cells.length - 1;
        const cell = last && visibleLength(c) > widths[i] ? truncate(c, widths[i]) : c;
        if (options.right?.[i]) return padStart(cell, widths[i]);
        return last ? cell : padEnd(cell, widths[i]);
      })
      .join(' '.repeat(gap))
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** Progress on stderr for big files, only on a terminal: `reading big.jsonl  45% (12.3 of 27.1 MB)`. */
export function progressReporter(io: CliIo, minBytes = 4 * 1024 * 1024): { onProgress?: (read: number, total: number, file: string) => void; done: () => void } {
  if (!io.stderrIsTTY) return { done: () => {} };
  let shown = false;
  return {
    onProgress: (read, total, file) => {
      if (total < minBytes) return;
      shown = true;
      const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
      io.stderr(`\r\x1b[2Kreading ${file}  ${Math.floor((read / total) * 100)}% (${mb(read)} of ${mb(total)} MB)`);
    },
    done: () => {
      if (shown) io.stderr('\r\x1b[2K');
    },
  };
}

/** A usage error: the command prints the message and its usage, and exits 2. */
export class UsageError extends Error {}
