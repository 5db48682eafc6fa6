'use strict';
// The OpenTelemetry Lambda layer's setup, as its wrapper (opentelemetry-lambda nodejs/packages/layer/src/
// wrapper.ts) builds it, for bench/lambda.js: a NodeTracerProvider with a BatchSpanProcessor and the
// OTLP/protobuf exporter (OTEL_EXPORTER_OTLP_* from the environment), registered globally, and the layer's
// default instrumentations for this function: aws-lambda (wraps the handler, flushes the provider after
// each invocation), aws-sdk and http. Differences from the layer: the resource is detected from the env
// and process only (the layer adds @opentelemetry/resource-detector-aws's Lambda detector: a handful of
// attributes from the environment), and no metrics/logs providers (the layer registers them, exporting
// nothing unless configured).
const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { AwsLambdaInstrumentation } = require('@opentelemetry/instrumentation-aws-lambda');
const { AwsInstrumentation } = require('@opentelemetry/instrumentation-aws-sdk');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { detectResources, envDetector, processDetector } = require('@opentelemetry/resources');

const provider = new NodeTracerProvider({
  resource: detectResources({ detectors: [envDetector, processDetector] }),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
});
provider.register();
registerInstrumentations({
  tracerProvider: provider,
  instrumentations: [new AwsInstrumentation({ suppressInternalInstrumentation: true }), new AwsLambdaInstrumentation(), new HttpInstrumentation()],
});
