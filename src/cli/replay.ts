// `wiretap replay <files…> --to <endpoint>`: sends recorded spans to any OpenTelemetry backend through the
// OTLP exporters wiretap already ships (http/protobuf by default, http/json on request), ids and
// timestamps unchanged.
import { parseArgs } from 'node:util';
import type { Span } from '../views/model/types';
import { inputFiles, loadSpans } from './common';
import { type CliIo, UsageError } from './io';

export const REPLAY_USAGE = `usage: wiretap replay [files…] --to URL [options]

Sends the spans of trace files to an OTLP/HTTP endpoint (Jaeger, Tempo, a collector, a vendor), with
their trace and span ids and timestamps unchanged.

  files                 OTLP-JSON trace files (default: $WIRETAP_FILE or ./wiretap-traces.jsonl)
      --to URL          the endpoint: http://host:4318 (then /v1/traces is added) or the full traces URL
  -p, --protocol P      http/protobuf (default) or http/json
  -H, --header K=V      a header to send, e.g. an API key (repeatable)
      --batch N         spans per request (default 512)
  -h, --help            this help

Exit codes: 0 every span was accepted, 1 an export failed, 2 usage error.
`;

export async function runReplay(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      protocol: { type: 'string', short: 'p' },
      header: { type: 'string', short: 'H', multiple: true },
      batch: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(REPLAY_USAGE);
    return 0;
  }
  if (!values.to) throw new UsageError('--to URL is required (e.g. http://127.0.0.1:4318)');
  let url: URL;
  try {
    url = new URL(values.to);
  } catch {
    throw new UsageError(`--to: not a URL: ${values.to}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--to takes an http(s) URL (got ${url.protocol})`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/traces';
  const protocol = values.protocol ?? 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') throw new UsageError(`--protocol takes http/protobuf or http/json (got "${protocol}")`);
  const headers: Record<string, string> = {};
  for (const h of values.header ?? []) {
    const eq = h.indexOf('=');
    if (eq <= 0) throw new UsageError(`--header takes NAME=VALUE (got "${h}")`);
    headers[h.slice(0, eq).trim()] = h.slice(eq + 1).trim();
  }
  const batch = values.batch === undefined ? 512 : Number(values.batch);
  if (!Number.isInteger(batch) || batch <= 0) throw new UsageError(`--batch takes a positive integer (got "${values.batch}")`);
  const files = inputFiles(positionals, io);
  const spans = await loadSpans(files, io);
  if (spans.length === 0) {
    io.stderr(`no spans in ${files.join(', ')}\n`);
    return 1;
  }

  // Loaded here, never at startup: the exporters are heavy and only replay needs them.
  const { ExportResultCode } = await import('@opentelemetry/core');
  const exporterModule = protocol === 'http/json' ? await import('@opentelemetry/exporter-trace-otlp-http') : await import('@opentelemetry/exporter-trace-otlp-proto');
  const exporter = new exporterModule.OTLPTraceExporter({ url: url.toString(), headers, timeoutMillis: 10_000 });
  const readable = await toReadableSpans(spans);
  let sent = 0;
  for (let i = 0; i < readable.length; i += batch) {
    const chunk = readable.slice(i, i + batch);
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(chunk as never, resolve));
    if (result.code !== ExportResultCode.SUCCESS) {
      io.stderr(`wiretap replay: export to ${url} failed after ${sent} spans: ${result.error?.message ?? 'unknown error'}\n`);
      await exporter.shutdown().catch(() => {});
      return 1;
    }
    sent += chunk.length;
  }
  await exporter.shutdown();
  io.stdout(`sent ${sent} spans from ${files.join(', ')} to ${url} (${protocol})\n`);
  return 0;
}

/** hrtime [seconds, nanos] from the exact UnixNano string. */
function hrTime(nanos: string): [number, number] {
  const n = BigInt(nanos || '0');
  return [Number(n / 1_000_000_000n), Number(n % 1_000_000_000n)];
}

/** The SDK's ReadableSpan shape the OTLP serializers read (one Resource object per distinct resource). */
async function toReadableSpans(spans: Span[]): Promise<unknown[]> {
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const resources = new Map<string, ReturnType<typeof resourceFromAttributes>>();
  return spans.map((s) => {
    const resourceKey = JSON.stringify(s.resource);
    let resource = resources.get(resourceKey);
    if (!resource) {
      resource = resourceFromAttributes(s.resource as never);
      resources.set(resourceKey, resource);
    }
    const startTime = hrTime(s.startTimeUnixNano);
    const endTime = hrTime(s.endTimeUnixNano);
    const duration = hrTime(String(BigInt(s.endTimeUnixNano || '0') - BigInt(s.startTimeUnixNano || '0')));
    return {
      name: s.name,
      kind: Math.max(0, s.kind - 1),
      spanContext: () => ({ traceId: s.traceId, spanId: s.spanId, traceFlags: 1 }),
      parentSpanContext: s.parentSpanId ? { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: 1 } : undefined,
      startTime,
      endTime,
      duration,
      status: { code: s.status.code, ...(s.status.message ? { message: s.status.message } : {}) },
      attributes: s.attributes,
      links: s.links.map((l) => ({ context: { traceId: l.traceId, spanId: l.spanId, traceFlags: 1 }, attributes: l.attributes })),
      events: s.events.map((e) => ({ name: e.name, time: hrTime(e.timeUnixNano ?? String(BigInt(Math.round(e.timeMs * 1e6)))), attributes: e.attributes })),
      ended: true,
      resource,
      instrumentationScope: { name: s.scope ?? 'wiretap' },
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
  });
}
