// AWS error codes and messages from a response, per protocol family. The code becomes `error.type`.
import type { Headers } from '../../../exchange/types';
import { xmlRoot, xmlText } from './xml';

export interface AwsError {
  code: string;
  message?: string;
}

/**
 * `com.amazonaws.dynamodb.v20120810#ResourceNotFoundException` → `ResourceNotFoundException`;
 * `FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/` → `FooError`.
 */
export function normalizeErrorCode(raw: string): string {
  let code = raw.trim();
  const colon = code.indexOf(':');
  if (colon >= 0) code = code.slice(0, colon);
  const hash = code.lastIndexOf('#');
  if (hash >= 0) code = code.slice(hash + 1);
  return code;
}

/** `x-amzn-query-error: AWS.SimpleQueueService.NonExistentQueue;Sender` → the legacy code. */
export function queryErrorCode(headers: Headers | undefined): string | undefined {
  const v = headers?.['x-amzn-query-error'];
  if (!v) return undefined;
  const semi = v.indexOf(';');
  const code = (semi < 0 ? v : v.slice(0, semi)).trim();
  return code || undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * awsJson, restJson and rpc-v2-cbor (body already a parsed object). Query-compatible services report
 * their legacy query code, the one SDK users see in `error.Code`. restJson prefers the header.
 */
export function jsonError(headers: Headers | undefined, body: unknown, preferHeader: boolean): AwsError | undefined {
  const obj = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
  const headerType = str(headers?.['x-amzn-errortype']);
  const bodyType = obj ? str(obj.__type) ?? str(obj.code) ?? str(obj.Code) : undefined;
  const raw = preferHeader ? headerType ?? bodyType : bodyType ?? headerType;
  const legacy = queryErrorCode(headers);
  const code = legacy ?? (raw !== undefined ? normalizeErrorCode(raw) : undefined);
  if (!code) return undefined;
  const message = obj ? str(obj.message) ?? str(obj.Message) ?? str(obj.errorMessage) : undefined;
  return { code, message };
}

/** awsQuery (`ErrorResponse/Error`), ec2Query (`Response/Errors/Error`), restXml (`Error`). */
export function xmlError(doc: Record<string, unknown> | undefined): AwsError | undefined {
  const root = xmlRoot(doc);
  if (!root) return undefined;
  const [name, content] = root;
  let error: unknown;
  if (name === 'ErrorResponse') error = (content as Record<string, unknown> | undefined)?.Error;
  else if (name === 'Response') error = ((content as Record<string, unknown> | undefined)?.Errors as Record<string, unknown> | undefined)?.Error;
  else if (name === 'Error') error = content;
  if (Array.isArray(error)) error = error[0];
  const code = xmlText(error, 'Code');
  if (!code) return undefined;
  return { code, message: xmlText(error, 'Message') };
}

/** RequestId from query (`ResponseMetadata/RequestId`, `ErrorResponse/RequestId`), ec2 (`RequestID`, `requestId`) or S3 XML. */
export function xmlRequestId(doc: Record<string, unknown> | undefined): string | undefined {
  const root = xmlRoot(doc);
  if (!root) return undefined;
  const [, content] = root;
  return (
    xmlText(content, 'ResponseMetadata', 'RequestId') ??
    xmlText(content, 'RequestId') ??
    xmlText(content, 'RequestID') ??
    xmlText(content, 'requestId')
  );
}
