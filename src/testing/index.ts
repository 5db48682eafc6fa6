// `wiretap/testing`: what a user needs to test a decoder against recorded fixtures, with any test runner.
import { DecoderRegistry } from '../decoders/registry';
import { builtInDecoders } from '../decoders';
import type { Decoder } from '../decoders/decoder';
import { loadConfig, type Env } from '../config/load';
import { createRedactor } from '../redaction/redact';
import { describeExchange, type SpanDescription } from '../spans/describe';
import { listFixtureFiles, loadFixture, toExchange, type Fixture } from '../fixture/format';

export { loadFixture, listFixtureFiles, toExchange };
export type { Fixture, SpanDescription };

export interface FolderResult {
  /** The fixture file. */
  file: string;
  /** The span it decoded to (undefined when the file could not be read or decoding threw). */
  span?: SpanDescription;
  /** Mismatches with the file's `expect` block, or the error that stopped it; empty when it passes. */
  problems: string[];
}

export interface DecodeOptions {
  /** Your decoders, tried before the built-in ones (as with registerDecoder). */
  decoders?: Decoder[];
  /** Include wiretap's built-in service decoders (default true). */
  builtIns?: boolean;
  /**
   * Environment for the capture and redaction settings: wiretap's defaults (not process.env), except that
   * every header is put on the span (`WIRETAP_CAPTURE_HEADERS=all`), the strictest setting for a redaction
   * test. Pass `{ WIRETAP_CAPTURE_HEADERS: 'none' }` to see exactly what the defaults produce.
   */
  env?: Env;
}

/** Runs one fixture (object or file path) through the registry and returns the span it decodes to. */
export function decodeFixture(fixture: Fixture | string, options: DecodeOptions = {}): SpanDescription {
  const fx = typeof fixture === 'string' ? loadFixture(fixture) : fixture;
  const registry = new DecoderRegistry(options.builtIns === false ? [] : builtInDecoders);
  for (const d of options.decoders ?? []) registry.register(d);
  const config = loadConfig({ WIRETAP_CAPTURE_HEADERS: 'all', ...(options.env ?? {}) });
  const redactor = createRedactor(config.redaction);
  const describeOne = (ex: Fixture['exchange']): SpanDescription => {
    const x = toExchange(ex);
    const decoder = registry.match(x.request);
    return describeExchange(x, decoder, {
      redactor,
      captureBodies: config.captureBodies,
      captureHeaders: config.captureHeaders,
      maxBodyBytes: config.maxBodyBytes,
      maxErrorBodyBytes: config.maxErrorBodyBytes,
      state: registry.stateOf(decoder),
    });
  };
  for (const earlier of fx.before ?? []) describeOne(earlier);
  return describeOne(fx.exchange);
}

function same(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => same(actual[i], e));
  }
  return actual === expected;
}

/** Compares a decoded span with the fixture's `expect` block. Returns the mismatches (empty: it passes). */
export function checkFixture(fixture: Fixture, span: SpanDescription): string[] {
  const e = fixture.expect;
  if (!e) return ['fixture has no "expect" block'];
  const problems: string[] = [];
  if (e.name !== undefined && span.name !== e.name) problems.push(`name: expected ${JSON.stringify(e.name)}, got ${JSON.stringify(span.name)}`);
  if (e.kind !== undefined && span.kind !== e.kind) problems.push(`kind: expected ${e.kind}, got ${span.kind}`);
  if (e.decoder !== undefined && span.decoder !== e.decoder) problems.push(`decoder: expected ${e.decoder}, got ${span.decoder}`);
  for (const [key, value] of Object.entries(e.attributes ?? {})) {
    if (!same(span.attributes[key], value)) problems.push(`attribute ${key}: expected ${JSON.stringify(value)}, got ${JSON.stringify(span.attributes[key])}`);
  }
  for (const key of e.absent ?? []) if (key in span.attributes) problems.push(`attribute ${key} should be absent, got ${JSON.stringify(span.attributes[key])}`);
  if (e.status === 'error' && !span.error) problems.push('status: expected ERROR');
  if (e.status === 'unset' && span.error) problems.push(`status: expected no error, got ${JSON.stringify(span.error)}`);
  const text = JSON.stringify(span);
  for (const s of e.notContains ?? []) if (text.includes(s)) problems.push(`must not contain ${JSON.stringify(s)}`);
  for (const s of e.contains ?? []) if (!text.includes(s)) problems.push(`must contain ${JSON.stringify(s)}`);
  return problems;
}

/**
 * Runs every `*.json` fixture under a folder (recursively, sorted) and checks it against its `expect`
 * block. One result per file; a file that cannot be read or decoded is a result with a problem, never a
 * throw, so a test runner can report every failure at once.
 */
export function decodeFixtureFolder(dir: string, options: DecodeOptions = {}): FolderResult[] {
  return listFixtureFiles(dir).map((file) => {
    try {
      const fixture = loadFixture(file);
      const span = decodeFixture(fixture, options);
      return { file, span, problems: checkFixture(fixture, span) };
    } catch (err) {
      return { file, problems: [`could not decode: ${err instanceof Error ? err.message : String(err)}`] };
    }
  });
}
