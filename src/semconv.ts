// Attribute names, declared once. OpenTelemetry semantic-convention names where they exist; `wiretap.*`
// for what is ours. Service decoders add their own names here.

// HTTP client (stable semconv)
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
export const ATTR_HTTP_REQUEST_METHOD_ORIGINAL = 'http.request.method_original';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const ATTR_HTTP_REQUEST_RESEND_COUNT = 'http.request.resend_count';
export const ATTR_HTTP_REQUEST_BODY_SIZE = 'http.request.body.size';
export const ATTR_HTTP_RESPONSE_BODY_SIZE = 'http.response.body.size';
export const ATTR_HTTP_REQUEST_BODY_CONTENT = 'http.request.body.content';
export const ATTR_HTTP_RESPONSE_BODY_CONTENT = 'http.response.body.content';
export const ATTR_HTTP_REQUEST_HEADER_PREFIX = 'http.request.header.';
export const ATTR_HTTP_RESPONSE_HEADER_PREFIX = 'http.response.header.';
export const ATTR_URL_FULL = 'url.full';
export const ATTR_URL_SCHEME = 'url.scheme';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_NETWORK_PROTOCOL_NAME = 'network.protocol.name';
export const ATTR_NETWORK_PROTOCOL_VERSION = 'network.protocol.version';

// wiretap's own
export const ATTR_WIRETAP_DECODER = 'wiretap.decoder';
export const ATTR_WIRETAP_DECODER_ERROR = 'wiretap.decoder_error';
export const ATTR_WIRETAP_INCOMPLETE = 'wiretap.incomplete';
export const ATTR_WIRETAP_ELAPSED_MS = 'wiretap.elapsed_ms';
export const ATTR_WIRETAP_TRANSPORT = 'wiretap.transport';
export const ATTR_WIRETAP_TTFB_MS = 'wiretap.time_to_first_byte_ms';
export const ATTR_WIRETAP_REQUEST_BODY_TRUNCATED = 'wiretap.request.body.truncated';
export const ATTR_WIRETAP_RESPONSE_BODY_TRUNCATED = 'wiretap.response.body.truncated';
export const ATTR_WIRETAP_ERROR_MESSAGE = 'wiretap.error.message';
