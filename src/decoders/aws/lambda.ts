// Lambda Invoke (REST JSON, `POST /2015-03-31/functions/{FunctionName}/invocations`): the client side of
// FaaS. A function error comes back as HTTP 200 with `X-Amz-Function-Error`; the span is marked failed.
// The log tail (`X-Amz-Log-Result`, base64) is decoded, capped and redacted.
import type { Decoder, DecodedSpan } from '../decoder';
import type { RequestHead } from '../../exchange/types';
import * as A from '../../semconv';
import { credentialScope } from './identify';
import { awsSpan, decodeAws, parseJsonObject, type KnownService } from './common';
import { XRAY_HEADER, injectXray, str } from './messaging';

const SERVICE: KnownService = { name: 'Lambda' };

/** Operations that run the function: they carry the X-Ray header and get the faas.* attributes. */
const INVOKES: ReadonlySet<string> = new Set(['Invoke', 'InvokeWithResponseStream', 'InvokeAsync']);
const INVOKE_PATH = /^\/\d{4}-\d{2}-\d{2}\/functions\/[^/]+\/(?:invocations|response-streaming-invocations|invoke-async\/?)$/;

/** Characters of the decoded log tail kept on the span (Lambda sends at most the last 4 KB). */
const LOG_TAIL_MAX = 4096;

/**
 * A FunctionName as the API takes it: `my-fn`, `my-fn:prod`, `123456789012:function:my-fn`, or the full
 * ARN `arn:aws:lambda:us-east-1:123456789012:function:my-fn:prod`. Returns name, qualifier, region.
 */
export function parseFunctionName(value: string): { name: string; qualifier?: string; region?: string } {
  const parts = value.split(':');
  if (parts[0] === 'arn' && parts.length >= 7) return { name: parts[6], qualifier: parts[7], region: parts[3] || undefined };
  const fn = parts.indexOf('function');
  if (fn >= 0 && parts.length > fn + 1) return { name: parts[fn + 1], qualifier: parts[fn + 2] };
  return { name: parts[0], qualifier: parts[1] };
}

function queryParam(query: string, name: string): string | undefined {
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if ((eq < 0 ? pair : pair.slice(0, eq)) !== name) continue;
    try {
      return decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      return pair.slice(eq + 1);
    }
  }
  return undefined;
}

function isInvoke(head: RequestHead): boolean {
  return head.method === 'POST' && INVOKE_PATH.test(head.path);
}

export const lambdaDecoder: Decoder = {
  name: 'aws.lambda',
  match: (head) => credentialScope(head)?.signingName === 'lambda',
  inject: (head, ids) => (isInvoke(head) ? injectXray(head, ids) : undefined),
  decode(x, ctx) {
    const call = decodeAws(x, ctx, SERVICE);
    if (!INVOKES.has(call.operation)) return awsSpan(call);
    const attrs = call.attributes;
    const req = x.request.headers;
    const raw = call.labels?.FunctionName;
    if (raw) {
      const fn = parseFunctionName(raw);
      attrs[A.ATTR_FAAS_INVOKED_NAME] = fn.name;
      const qualifier = queryParam(x.request.query, 'Qualifier') ?? fn.qualifier;
      if (qualifier) attrs[A.ATTR_WIRETAP_AWS_LAMBDA_QUALIFIER] = qualifier;
      const region = fn.region ?? call.scope?.region;
      if (region) attrs[A.ATTR_FAAS_INVOKED_REGION] = region;
    }
    attrs[A.ATTR_FAAS_INVOKED_PROVIDER] = A.FAAS_INVOKED_PROVIDER_VALUE_AWS;
    if (call.operation !== 'InvokeAsync') attrs[A.ATTR_WIRETAP_AWS_LAMBDA_INVOCATION_TYPE] = req['x-amz-invocation-type'] ?? 'RequestResponse';
    const traceHeader = req[XRAY_HEADER];
    if (traceHeader) attrs[A.ATTR_WIRETAP_AWS_TRACE_HEADER] = traceHeader;

    const res = x.response?.headers;
    let error: DecodedSpan['error'];
    if (res) {
      const version = res['x-amz-executed-version'];
      if (version) attrs[A.ATTR_WIRETAP_AWS_LAMBDA_EXECUTED_VERSION] = version;
      const log = res['x-amz-log-result'];
      if (log) {
        const text = Buffer.from(log, 'base64').toString('utf8');
        // Keep the end: the last lines of a tail say how the run finished.
        const capped = text.length > LOG_TAIL_MAX ? text.slice(text.length - LOG_TAIL_MAX) : text;
        attrs[A.ATTR_WIRETAP_AWS_LAMBDA_LOG_TAIL] = ctx.redactor.text(capped);
      }
      const fnError = res['x-amz-function-error'];
      if (fnError) {
        attrs[A.ATTR_WIRETAP_AWS_LAMBDA_FUNCTION_ERROR] = fnError;
        const payload = parseJsonObject(ctx.responseText());
        const type = str(payload?.errorType) ?? fnError;
        const message = str(payload?.errorMessage);
        attrs[A.ATTR_ERROR_TYPE] = type;
        error = { type, message: message === undefined ? `function error: ${fnError}` : ctx.redactor.text(message) };
      }
    }
    const span = awsSpan(call, 'client');
    if (error && !span.error) span.error = error;
    return span;
  },
};
