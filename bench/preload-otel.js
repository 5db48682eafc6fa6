'use strict';
// The OpenTelemetry contrib stack as a preload, as a user would set it up by hand: sdk-trace-node with a
// BatchSpanProcessor (OTEL_BSP_* defaults) and the OTLP/protobuf exporter (OTEL_EXPORTER_OTLP_* from env),
// plus instrumentation-http, instrumentation-undici and instrumentation-aws-sdk.
const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici');
const { AwsInstrumentation } = require('@opentelemetry/instrumentation-aws-sdk');

const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
provider.register();
registerInstrumentations({
  tracerProvider: provider,
  instrumentations: [new HttpInstrumentation(), new UndiciInstrumentation(), new AwsInstrumentation()],
});
globalThis[Symbol.for('bench.otel.provider')] = provider;
