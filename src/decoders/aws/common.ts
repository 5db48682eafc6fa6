// The AWS decoding core shared by every AWS decoder: which service and operation a signed request is,
// its protocol, request ids, error code and retries, as the common span attributes. Service decoders
// call `decodeAws` and add their own attributes on top (see docs/notes/aws-core-api.md).
import type { Attributes } from '@opentelemetry/api';
import type { Exchange, RequestHead } from '../../exchange/types';
import type { DecodeContext, DecodedKind, DecodedSpan } from '../decoder';
import * as A from '../../semconv';
import { credentialScope, endpointPrefixes, type AwsScope } from './identify';
import { parseForm, requestShape, type FormCall } from './protocol/detect';
import { jsonError, xmlError, xmlRequestId, type AwsError } from './protocol/errors';
import { parseXml } from './protocol/xml';
import { trackAttempt, type RetryInfo } from './retry';
import {
  candidateServices,
  matchRestRoute,
  operationOf,
  type AwsProtocol,
  type OperationSpec,
  type ServiceSpec,
} from './table';

/** A service a dedicated decoder already knows: decoding it needs no table lookup. */
export interface KnownService {
  /** `rpc.service` and the span name's first half, e.g. `DynamoDB`. */
  name: string;
  /** awsJson target prefix, when the service speaks awsJson (`DynamoDB_20120810`). */
  targetPrefix?: string;
}

export interface AwsCall {
  service: string;
  operation: string;
  protocol: AwsProtocol;
  scope: AwsScope | undefined;
  /** The table's entry for the service, when it was looked up (generic path). */
  spec?: ServiceSpec;
  /** The table's operation entry, when known. */
  operationSpec?: OperationSpec;
  /** URI labels of a REST request (`FunctionName`, `Bucket`, `Key`, ...). */
  labels?: Record<string, string>;
  /** The request body as an object: JSON / CBOR input, or form members for query protocols. */
  input: Record<string, unknown> | undefined;
  /** The response body as an object (JSON, CBOR, or XML document), parsed on first call and cached. */
  output(): Record<string, unknown> | undefined;
  error?: AwsError;
  retry: RetryInfo;
  /** Common attributes already filled in: rpc.*, cloud.region, aws.request_id, error.type, retries. */
  attributes: Attributes;
}

const JSON_PROTOCOLS = new Set<AwsProtocol>(['json', 'rest-json', 'rpc-v2-cbor']);

/** Parses JSON text into an object; undefined for anything else (never throws). */
export function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  const c = text.charCodeAt(0);
  if (c !== 123 /* { */ && c !== 32 && c !== 10 && c !== 13 && c !== 9) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function formInput(form: FormCall): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of form.params) out[k] = v;
  return out;
}

interface Identified {
  service: string;
  operation: string;
  protocol: AwsProtocol;
  spec?: ServiceSpec;
  operationSpec?: OperationSpec;
  labels?: Record<string, string>;
  input?: Record<string, unknown>;
}

// S3 virtual-hosted style: `<bucket>.s3.<region>.amazonaws.com` puts the bucket in the host, not the path.
const S3_VIRTUAL_HOST = /^(.+?)\.s3(?:[.-](?:dualstack\.|fips\.)?[a-z0-9-]*)?\.(?:amazonaws\.com(?:\.cn)?|api\.aws)$/i;

function restPath(head: RequestHead, services: readonly ServiceSpec[]): string {
  if (services.length > 0 && services[0].key === 's3') {
    const m = S3_VIRTUAL_HOST.exec(head.host);
    if (m && !m[1].startsWith('s3')) return `/${m[1]}${head.path === '/' ? '' : head.path}`;
  }
  return head.path;
}

/** Service, operation and protocol of a request, from the head (and the form body for query protocols). */
function identify(x: Exchange, ctx: DecodeContext, scope: AwsScope | undefined, known: KnownService | undefined): Identified {
  const head = x.request;
  const shape = requestShape(head);
  let prefixes: string[] | undefined;
  const hostPrefixes = (): string[] => (prefixes ??= scope ? endpointPrefixes(head.host, scope.region) : []);
  const signingName = scope?.signingName ?? '';

  if (shape.kind === 'json' || shape.kind === 'rpc-v2-cbor') {
    const protocol: AwsProtocol = shape.kind;
    const prefix = shape.kind === 'json' ? shape.targetPrefix : shape.service;
    if (known && (!known.targetPrefix || known.targetPrefix === prefix)) return { service: known.name, operation: shape.operation, protocol };
    const spec = candidateServices({ signingName, hostPrefixes: hostPrefixes(), targetPrefix: prefix, operation: shape.operation })[0];
    return {
      service: spec?.name ?? prefix.replace(/_\d{8}$/, ''),
      operation: shape.operation,
      protocol,
      spec,
      operationSpec: spec && operationOf(spec, shape.operation),
    };
  }

  if (shape.kind === 'form') {
    const form = parseForm(head.method === 'GET' ? head.query : ctx.requestText());
    if (form.action) {
      const input = formInput(form);
      if (known) return { service: known.name, operation: form.action, protocol: 'query', input };
      const spec = candidateServices({ signingName, hostPrefixes: hostPrefixes(), apiVersion: form.version, operation: form.action })[0];
      const protocol: AwsProtocol = spec?.protocols.includes('ec2') ? 'ec2' : 'query';
      return { service: spec?.name ?? signingName, operation: form.action, protocol, spec, operationSpec: spec && operationOf(spec, form.action), input };
    }
  }

  const services = candidateServices({ signingName, hostPrefixes: hostPrefixes(), rest: true });
  const route = matchRestRoute(head, services, restPath(head, services));
  if (route) {
    const protocol: AwsProtocol = route.service.protocols.includes('rest-xml') ? 'rest-xml' : 'rest-json';
    return {
      service: known?.name ?? route.service.name,
      operation: route.operation.name,
      protocol,
      spec: route.service,
      operationSpec: route.operation,
      labels: route.labels,
    };
  }
  // Signed but not in the table (a new operation, an unknown REST route): still an AWS span, named by service.
  const fallback = services[0];
  return {
    service: known?.name ?? fallback?.name ?? (signingName || 'AWS'),
    operation: '',
    protocol: fallback?.protocols.includes('rest-xml') ? 'rest-xml' : 'rest-json',
    spec: fallback,
  };
}

function responseOf(x: Exchange, ctx: DecodeContext, protocol: AwsProtocol): () => Record<string, unknown> | undefined {
  let done = false;
  let value: Record<string, unknown> | undefined;
  return () => {
    if (!done) {
      done = true;
      const text = ctx.responseText();
      value = JSON_PROTOCOLS.has(protocol) ? parseJsonObject(text) : parseXml(text) ?? parseJsonObject(text);
    }
    return value;
  };
}

function errorOf(x: Exchange, protocol: AwsProtocol, output: () => Record<string, unknown> | undefined): AwsError | undefined {
  const res = x.response;
  if (!res) return undefined;
  if (res.status < 300) {
    // S3 CopyObject / CompleteMultipartUpload can fail with a 200 and an <Error> body
    if (protocol === 'rest-xml' && x.responseBody && x.responseBody.bytes.indexOf('<Error>') >= 0) return xmlError(output());
    return undefined;
  }
  if (JSON_PROTOCOLS.has(protocol)) return jsonError(res.headers, output(), protocol === 'rest-json');
  return xmlError(output()) ?? jsonError(res.headers, undefined, true);
}

function requestIdOf(x: Exchange, protocol: AwsProtocol, output: () => Record<string, unknown> | undefined): string | undefined {
  const h = x.response?.headers;
  if (!h) return undefined;
  const id = h['x-amzn-requestid'] ?? h['x-amz-request-id'] ?? h['x-amzn-request-id'];
  if (id) return id;
  if (protocol === 'query' || protocol === 'ec2' || protocol === 'rest-xml') return xmlRequestId(output());
  return undefined;
}

/** Adds identifier members the table names (and REST URI labels) as `wiretap.aws.resource.<Member>`. */
export function addResourceIds(call: AwsCall, ctx: DecodeContext): void {
  const attrs = call.attributes;
  if (call.labels) {
    for (const [k, v] of Object.entries(call.labels)) if (v) attrs[A.ATTR_WIRETAP_AWS_RESOURCE_PREFIX + k] = ctx.redactor.text(v);
  }
  const ids = call.operationSpec?.ids;
  const input = call.input;
  if (!ids || !input) return;
  for (const member of ids) {
    const v = input[member];
    if (typeof v === 'string' && v.length > 0 && v.length <= 2048) attrs[A.ATTR_WIRETAP_AWS_RESOURCE_PREFIX + member] = ctx.redactor.text(v);
  }
}

/**
 * Decodes the AWS layer of an exchange. `known` skips the table lookup for a service a dedicated decoder
 * recognised already. An operation the table does not know leaves `operation` empty (span named by service).
 */
export function decodeAws(x: Exchange, ctx: DecodeContext, known?: KnownService): AwsCall {
  const scope = credentialScope(x.request);
  const id = identify(x, ctx, scope, known);
  const output = responseOf(x, ctx, id.protocol);
  const input = id.input;
  const inputParsed = input !== undefined;
  const found = errorOf(x, id.protocol, output);
  const error = found && { code: found.code, message: found.message === undefined ? undefined : ctx.redactor.text(found.message) };
  const errorCode = error?.code ?? x.error?.type ?? (x.response && x.response.status >= 400 ? String(x.response.status) : undefined);
  const retry = trackAttempt(x, ctx.state, id.operation, errorCode);

  const attributes: Attributes = {
    [A.ATTR_RPC_SYSTEM]: A.RPC_SYSTEM_VALUE_AWS_API,
    [A.ATTR_RPC_SERVICE]: id.service,
    [A.ATTR_WIRETAP_AWS_PROTOCOL]: id.protocol,
  };
  if (id.operation) attributes[A.ATTR_RPC_METHOD] = id.operation;
  if (scope?.region) attributes[A.ATTR_CLOUD_REGION] = scope.region;
  const requestId = requestIdOf(x, id.protocol, output);
  if (requestId) attributes[A.ATTR_AWS_REQUEST_ID] = requestId;
  const extended = x.response?.headers['x-amz-id-2'];
  if (extended) attributes[A.ATTR_AWS_EXTENDED_REQUEST_ID] = extended;
  if (error) {
    attributes[A.ATTR_ERROR_TYPE] = error.code;
    if (error.message) attributes[A.ATTR_WIRETAP_AWS_ERROR_MESSAGE] = error.message;
  }
  if (retry.attempt > 1) attributes[A.ATTR_HTTP_REQUEST_RESEND_COUNT] = retry.attempt - 1;
  if (retry.maxAttempts !== undefined) attributes[A.ATTR_WIRETAP_AWS_MAX_ATTEMPTS] = retry.maxAttempts;
  if (retry.attempt > 1 || retry.maxAttempts !== undefined) attributes[A.ATTR_WIRETAP_AWS_ATTEMPTS] = retry.attempt;
  if (retry.invocationId) attributes[A.ATTR_WIRETAP_AWS_INVOCATION_ID] = retry.invocationId;
  if (retry.previousErrors.length) attributes[A.ATTR_WIRETAP_AWS_PREVIOUS_ERROR_CODES] = retry.previousErrors;
  if (retry.inferred) attributes[A.ATTR_WIRETAP_AWS_RETRY_INFERRED] = true;

  return new Call(id, scope, input, inputParsed, ctx, output, error, retry, attributes);
}

/** An AwsCall whose request body is parsed on first read of `input` (a class: no accessor per call). */
class Call implements AwsCall {
  readonly service: string;
  readonly operation: string;
  readonly protocol: AwsProtocol;
  readonly spec?: ServiceSpec;
  readonly operationSpec?: OperationSpec;
  readonly labels?: Record<string, string>;

  constructor(
    id: Identified,
    readonly scope: AwsScope | undefined,
    private parsedInput: Record<string, unknown> | undefined,
    private inputParsed: boolean,
    private readonly ctx: DecodeContext,
    readonly output: () => Record<string, unknown> | undefined,
    readonly error: AwsError | undefined,
    readonly retry: RetryInfo,
    readonly attributes: Attributes,
  ) {
    this.service = id.service;
    this.operation = id.operation;
    this.protocol = id.protocol;
    this.spec = id.spec;
    this.operationSpec = id.operationSpec;
    this.labels = id.labels;
  }

  get input(): Record<string, unknown> | undefined {
    if (!this.inputParsed) {
      this.inputParsed = true;
      this.parsedInput = JSON_PROTOCOLS.has(this.protocol) ? parseJsonObject(this.ctx.requestText()) : undefined;
    }
    return this.parsedInput;
  }
}

/** The span description for an AWS call: `Service.Operation`, status ERROR when AWS reported an error. */
export function awsSpan(call: AwsCall, kind: DecodedKind = 'client'): DecodedSpan {
  return {
    name: call.operation ? `${call.service}.${call.operation}` : call.service,
    kind,
    attributes: call.attributes,
    error: call.error ? { type: call.error.code, message: call.error.message } : undefined,
  };
}
