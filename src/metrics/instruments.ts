// The instruments and the attribute set each one records, from a call's bounded facts. Names, units and
// attributes follow the semantic conventions (HTTP stable; RPC release candidate: `rpc.client.call.duration`
// in seconds replaces the deprecated `rpc.client.duration` in ms, `rpc.method` is fully qualified
// `Service/Operation`, `rpc.system.name` replaces `rpc.system`; DB stable; messaging development);
// wiretap's own counters under `wiretap.*`. See docs/design.md § Metrics.
import type { Attributes } from '@opentelemetry/api';
import * as A from '../semconv';
import type { CallFacts } from './facts';
import type { InstrumentSpec } from './store';

export const HTTP_CLIENT_DURATION: InstrumentSpec = {
  name: 'http.client.request.duration',
  unit: 's',
  description: 'Duration of HTTP client requests.',
  kind: 'histogram',
};
export const RPC_CLIENT_DURATION: InstrumentSpec = {
  name: 'rpc.client.call.duration',
  unit: 's',
  description: 'Measures the duration of an outgoing Remote Procedure Call (RPC).',
  kind: 'histogram',
};
export const DB_CLIENT_DURATION: InstrumentSpec = {
  name: 'db.client.operation.duration',
  unit: 's',
  description: 'Duration of database client operations.',
  kind: 'histogram',
};
export const MESSAGING_CLIENT_DURATION: InstrumentSpec = {
  name: 'messaging.client.operation.duration',
  unit: 's',
  description: 'Duration of messaging operation initiated by a producer or consumer client.',
  kind: 'histogram',
};
export const RESENDS: InstrumentSpec = {
  name: 'wiretap.client.request.resends',
  unit: '{request}',
  description: 'HTTP client attempts that were resends (SDK retries) of an earlier attempt.',
  kind: 'counter',
};
export const INFLIGHT_AT_EXIT: InstrumentSpec = {
  name: 'wiretap.client.request.inflight_at_exit',
  unit: '{request}',
  description: 'HTTP client calls still in flight when the process exited, crashed or timed out.',
  kind: 'counter',
};
export const OVERFLOWED: InstrumentSpec = {
  name: 'wiretap.metrics.overflowed',
  unit: '{measurement}',
  description: 'Measurements recorded under the overflow attribute set because an instrument reached its cardinality limit.',
  kind: 'counter',
};

export const ATTR_RPC_SYSTEM_NAME = 'rpc.system.name';
export const ATTR_URL_TEMPLATE = 'url.template';
export const ATTR_METRIC_NAME = 'wiretap.metric.name';

const SEP = '\u0001';

export interface Measurement {
  spec: InstrumentSpec;
  key: string;
  attributes: () => Attributes;
}

function set(attrs: Attributes, name: string, value: string | number | undefined): void {
  if (value !== undefined) attrs[name] = value;
}

/** The calls' attribute sets, one per instrument that applies; keys are the values joined (cheap). */
export function measurementsOf(f: CallFacts): Measurement[] {
  const out: Measurement[] = [];
  const http = (): Attributes => {
    const a: Attributes = { [A.ATTR_HTTP_REQUEST_METHOD]: f.method, [A.ATTR_SERVER_ADDRESS]: f.host, [A.ATTR_SERVER_PORT]: f.port };
    set(a, A.ATTR_HTTP_RESPONSE_STATUS_CODE, f.status);
    set(a, A.ATTR_ERROR_TYPE, f.errorType);
    set(a, ATTR_URL_TEMPLATE, f.urlTemplate);
    return a;
  };
  const httpKey = `${f.method}${SEP}${f.host}${SEP}${f.port}${SEP}${f.status ?? ''}${SEP}${f.errorType ?? ''}${SEP}${f.urlTemplate ?? ''}`;
  if (!f.incomplete) out.push({ spec: HTTP_CLIENT_DURATION, key: httpKey, attributes: http });
  const aws = f.aws;
  const rpcMethod = aws ? `${aws.service}/${aws.operation}` : undefined;
  if (aws && !f.incomplete) {
    out.push({
      spec: RPC_CLIENT_DURATION,
      key: `${rpcMethod}${SEP}${f.host}${SEP}${f.errorType ?? ''}`,
      attributes: () => {
        const a: Attributes = { [ATTR_RPC_SYSTEM_NAME]: A.RPC_SYSTEM_VALUE_AWS_API, [A.ATTR_RPC_METHOD]: rpcMethod!, [A.ATTR_SERVER_ADDRESS]: f.host };
        set(a, A.ATTR_ERROR_TYPE, f.errorType);
        return a;
      },
    });
  }
  const db = f.db;
  if (db && !f.incomplete) {
    out.push({
      spec: DB_CLIENT_DURATION,
      key: `${db.operation}${SEP}${db.collection ?? ''}${SEP}${f.host}${SEP}${f.errorType ?? ''}`,
      attributes: () => {
        const a: Attributes = { [A.ATTR_DB_SYSTEM_NAME]: db.system, [A.ATTR_DB_OPERATION_NAME]: db.operation, [A.ATTR_SERVER_ADDRESS]: f.host };
        set(a, A.ATTR_DB_COLLECTION_NAME, db.collection);
        set(a, A.ATTR_ERROR_TYPE, f.errorType);
        return a;
      },
    });
  }
  const m = f.messaging;
  if (m && !f.incomplete) {
    out.push({
      spec: MESSAGING_CLIENT_DURATION,
      key: `${m.system}${SEP}${m.operationName}${SEP}${m.destination ?? ''}${SEP}${f.host}${SEP}${f.errorType ?? ''}`,
      attributes: () => {
        const a: Attributes = {
          [A.ATTR_MESSAGING_SYSTEM]: m.system,
          [A.ATTR_MESSAGING_OPERATION_NAME]: m.operationName,
          [A.ATTR_MESSAGING_OPERATION_TYPE]: m.operationType,
          [A.ATTR_SERVER_ADDRESS]: f.host,
        };
        set(a, A.ATTR_MESSAGING_DESTINATION_NAME, m.destination);
        set(a, A.ATTR_ERROR_TYPE, f.errorType);
        return a;
      },
    });
  }
  const counterAttrs = (): Attributes => {
    const a: Attributes = { [A.ATTR_SERVER_ADDRESS]: f.host };
    if (rpcMethod) a[A.ATTR_RPC_METHOD] = rpcMethod;
    else a[A.ATTR_HTTP_REQUEST_METHOD] = f.method;
    return a;
  };
  const counterKey = `${f.host}${SEP}${rpcMethod ?? f.method}`;
  if (f.resend) out.push({ spec: RESENDS, key: counterKey, attributes: counterAttrs });
  if (f.incomplete) out.push({ spec: INFLIGHT_AT_EXIT, key: counterKey, attributes: counterAttrs });
  return out;
}
