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

// HTTP server (stable semconv), for SERVER spans (src/spans/server.ts)
export const ATTR_URL_PATH = 'url.path';
export const ATTR_URL_QUERY = 'url.query';
export const ATTR_CLIENT_ADDRESS = 'client.address';
export const ATTR_NETWORK_PEER_ADDRESS = 'network.peer.address';
export const ATTR_NETWORK_PEER_PORT = 'network.peer.port';
export const ATTR_USER_AGENT_ORIGINAL = 'user_agent.original';

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

// --- AWS common (rpc.*, cloud.*, aws.*) ---
export const ATTR_RPC_SYSTEM = 'rpc.system';
export const RPC_SYSTEM_VALUE_AWS_API = 'aws-api';
export const ATTR_RPC_SERVICE = 'rpc.service';
export const ATTR_RPC_METHOD = 'rpc.method';
export const ATTR_CLOUD_REGION = 'cloud.region';
export const ATTR_AWS_REQUEST_ID = 'aws.request_id';
export const ATTR_AWS_EXTENDED_REQUEST_ID = 'aws.extended_request_id';
export const ATTR_WIRETAP_AWS_ERROR_MESSAGE = 'wiretap.aws.error_message';
/** Wire protocol seen on this request: json, query, ec2, rest-json, rest-xml, rpc-v2-cbor. */
export const ATTR_WIRETAP_AWS_PROTOCOL = 'wiretap.aws.protocol';
/** The SDK's attempt budget (`amz-sdk-request: max=M`). */
export const ATTR_WIRETAP_AWS_MAX_ATTEMPTS = 'wiretap.aws.max_attempts';
/** Attempts made so far for this call, this one included (1 = first try). */
export const ATTR_WIRETAP_AWS_ATTEMPTS = 'wiretap.aws.attempts';
export const ATTR_WIRETAP_AWS_INVOCATION_ID = 'wiretap.aws.invocation_id';
/** Error codes of the earlier attempts of the same call, oldest first. */
export const ATTR_WIRETAP_AWS_PREVIOUS_ERROR_CODES = 'wiretap.aws.previous_error_codes';
/** True when the resend was inferred from a repeated signed payload (clients without amz-sdk-request). */
export const ATTR_WIRETAP_AWS_RETRY_INFERRED = 'wiretap.aws.retry_inferred';
/** Prefix for identifier members the operation table names, e.g. `wiretap.aws.resource.QueueUrl`. */
export const ATTR_WIRETAP_AWS_RESOURCE_PREFIX = 'wiretap.aws.resource.';

// --- AWS DynamoDB ---
export const ATTR_DB_SYSTEM_NAME = 'db.system.name';
export const DB_SYSTEM_NAME_VALUE_AWS_DYNAMODB = 'aws.dynamodb';
export const ATTR_DB_OPERATION_NAME = 'db.operation.name';
export const ATTR_DB_COLLECTION_NAME = 'db.collection.name';
export const ATTR_DB_OPERATION_BATCH_SIZE = 'db.operation.batch.size';
export const ATTR_AWS_DYNAMODB_TABLE_NAMES = 'aws.dynamodb.table_names';
export const ATTR_AWS_DYNAMODB_INDEX_NAME = 'aws.dynamodb.index_name';
export const ATTR_AWS_DYNAMODB_PROJECTION = 'aws.dynamodb.projection';
export const ATTR_AWS_DYNAMODB_CONSISTENT_READ = 'aws.dynamodb.consistent_read';
export const ATTR_AWS_DYNAMODB_LIMIT = 'aws.dynamodb.limit';
export const ATTR_AWS_DYNAMODB_SELECT = 'aws.dynamodb.select';
export const ATTR_AWS_DYNAMODB_SCAN_FORWARD = 'aws.dynamodb.scan_forward';
export const ATTR_AWS_DYNAMODB_SEGMENT = 'aws.dynamodb.segment';
export const ATTR_AWS_DYNAMODB_TOTAL_SEGMENTS = 'aws.dynamodb.total_segments';
export const ATTR_AWS_DYNAMODB_CONSUMED_CAPACITY = 'aws.dynamodb.consumed_capacity';
export const ATTR_AWS_DYNAMODB_ITEM_COLLECTION_METRICS = 'aws.dynamodb.item_collection_metrics';
export const ATTR_AWS_DYNAMODB_COUNT = 'aws.dynamodb.count';
export const ATTR_AWS_DYNAMODB_SCANNED_COUNT = 'aws.dynamodb.scanned_count';
export const ATTR_AWS_DYNAMODB_TABLE_COUNT = 'aws.dynamodb.table_count';
export const ATTR_AWS_DYNAMODB_EXCLUSIVE_START_TABLE = 'aws.dynamodb.exclusive_start_table';
export const ATTR_AWS_DYNAMODB_ATTRIBUTES_TO_GET = 'aws.dynamodb.attributes_to_get';
export const ATTR_AWS_DYNAMODB_PROVISIONED_READ_CAPACITY = 'aws.dynamodb.provisioned_read_capacity';
export const ATTR_AWS_DYNAMODB_PROVISIONED_WRITE_CAPACITY = 'aws.dynamodb.provisioned_write_capacity';
export const ATTR_AWS_DYNAMODB_ATTRIBUTE_DEFINITIONS = 'aws.dynamodb.attribute_definitions';
export const ATTR_AWS_DYNAMODB_GLOBAL_SECONDARY_INDEXES = 'aws.dynamodb.global_secondary_indexes';
export const ATTR_AWS_DYNAMODB_LOCAL_SECONDARY_INDEXES = 'aws.dynamodb.local_secondary_indexes';
export const ATTR_AWS_DYNAMODB_GLOBAL_SECONDARY_INDEX_UPDATES = 'aws.dynamodb.global_secondary_index_updates';
/** Query/Scan/ExecuteStatement returned LastEvaluatedKey / NextToken: more pages follow. */
export const ATTR_WIRETAP_AWS_DYNAMODB_HAS_MORE_PAGES = 'wiretap.aws.dynamodb.has_more_pages';
export const ATTR_WIRETAP_AWS_DYNAMODB_UNPROCESSED_ITEMS = 'wiretap.aws.dynamodb.unprocessed_items';
export const ATTR_WIRETAP_AWS_DYNAMODB_UNPROCESSED_KEYS = 'wiretap.aws.dynamodb.unprocessed_keys';
/** TransactionCanceledException: the per-item cancellation reason codes, in request order. */
export const ATTR_WIRETAP_AWS_DYNAMODB_CANCELLATION_REASONS = 'wiretap.aws.dynamodb.cancellation_reasons';
/** ReturnValues asked for on a write (NONE, ALL_OLD, UPDATED_NEW, ...). */
export const ATTR_WIRETAP_AWS_DYNAMODB_RETURN_VALUES = 'wiretap.aws.dynamodb.return_values';

// --- AWS messaging and other services (SQS, SNS, EventBridge, Kinesis, Lambda, S3) ---
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const MESSAGING_SYSTEM_VALUE_AWS_SQS = 'aws_sqs';
export const MESSAGING_SYSTEM_VALUE_AWS_SNS = 'aws.sns';
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
/** send, receive, settle, create, process. */
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';
export const ATTR_MESSAGING_BATCH_MESSAGE_COUNT = 'messaging.batch.message_count';
export const ATTR_MESSAGING_MESSAGE_BODY_SIZE = 'messaging.message.body.size';
export const ATTR_AWS_SQS_QUEUE_URL = 'aws.sqs.queue.url';
export const ATTR_AWS_SNS_TOPIC_ARN = 'aws.sns.topic.arn';
/** Ids of the messages (or events, records) a batch call produced or received, in order: for stitching producer and consumer. */
export const ATTR_WIRETAP_MESSAGING_MESSAGE_IDS = 'wiretap.messaging.message_ids';
/** Entries of a batch call the service rejected (SQS/SNS batch Failed[]). */
export const ATTR_WIRETAP_MESSAGING_FAILED_COUNT = 'wiretap.messaging.failed_count';
/** The rejected entries' error codes, in response order. */
export const ATTR_WIRETAP_MESSAGING_FAILED_CODES = 'wiretap.messaging.failed_codes';
/** The X-Ray trace header wiretap added to the request (`Root=…;Parent=…;Sampled=…`), or the one the app sent. */
export const ATTR_WIRETAP_AWS_TRACE_HEADER = 'wiretap.aws.trace_header';
/** SNS Publish to a platform endpoint (TargetArn) or an SMS number (masked, last 2 digits kept). */
export const ATTR_WIRETAP_AWS_SNS_TARGET_ARN = 'wiretap.aws.sns.target_arn';
export const ATTR_WIRETAP_AWS_SNS_PHONE_NUMBER = 'wiretap.aws.sns.phone_number';
// EventBridge has no convention: everything under wiretap.aws.eventbridge.*
export const ATTR_WIRETAP_AWS_EVENTBRIDGE_EVENT_BUS_NAMES = 'wiretap.aws.eventbridge.event_bus_names';
export const ATTR_WIRETAP_AWS_EVENTBRIDGE_SOURCES = 'wiretap.aws.eventbridge.sources';
export const ATTR_WIRETAP_AWS_EVENTBRIDGE_DETAIL_TYPES = 'wiretap.aws.eventbridge.detail_types';
export const ATTR_WIRETAP_AWS_EVENTBRIDGE_ENTRY_COUNT = 'wiretap.aws.eventbridge.entry_count';
export const ATTR_WIRETAP_AWS_EVENTBRIDGE_FAILED_ENTRY_COUNT = 'wiretap.aws.eventbridge.failed_entry_count';
export const ATTR_WIRETAP_AWS_EVENTBRIDGE_ERROR_CODES = 'wiretap.aws.eventbridge.error_codes';
export const ATTR_WIRETAP_AWS_EVENTBRIDGE_EVENT_IDS = 'wiretap.aws.eventbridge.event_ids';
export const ATTR_WIRETAP_AWS_EVENTBRIDGE_ENDPOINT_ID = 'wiretap.aws.eventbridge.endpoint_id';
// Kinesis
export const ATTR_AWS_KINESIS_STREAM_NAME = 'aws.kinesis.stream_name';
export const ATTR_WIRETAP_AWS_KINESIS_SHARD_IDS = 'wiretap.aws.kinesis.shard_ids';
export const ATTR_WIRETAP_AWS_KINESIS_SEQUENCE_NUMBERS = 'wiretap.aws.kinesis.sequence_numbers';
export const ATTR_WIRETAP_AWS_KINESIS_RECORD_COUNT = 'wiretap.aws.kinesis.record_count';
export const ATTR_WIRETAP_AWS_KINESIS_FAILED_RECORD_COUNT = 'wiretap.aws.kinesis.failed_record_count';
export const ATTR_WIRETAP_AWS_KINESIS_ERROR_CODES = 'wiretap.aws.kinesis.error_codes';
export const ATTR_WIRETAP_AWS_KINESIS_MILLIS_BEHIND_LATEST = 'wiretap.aws.kinesis.millis_behind_latest';
// Lambda (client side of FaaS)
export const ATTR_FAAS_INVOKED_NAME = 'faas.invoked_name';
export const ATTR_FAAS_INVOKED_PROVIDER = 'faas.invoked_provider';
export const FAAS_INVOKED_PROVIDER_VALUE_AWS = 'aws';
export const ATTR_FAAS_INVOKED_REGION = 'faas.invoked_region';
export const ATTR_WIRETAP_AWS_LAMBDA_QUALIFIER = 'wiretap.aws.lambda.qualifier';
/** RequestResponse (the default), Event or DryRun. */
export const ATTR_WIRETAP_AWS_LAMBDA_INVOCATION_TYPE = 'wiretap.aws.lambda.invocation_type';
/** `X-Amz-Function-Error`: Unhandled or Handled (the function failed; HTTP said 200). */
export const ATTR_WIRETAP_AWS_LAMBDA_FUNCTION_ERROR = 'wiretap.aws.lambda.function_error';
export const ATTR_WIRETAP_AWS_LAMBDA_EXECUTED_VERSION = 'wiretap.aws.lambda.executed_version';
/** The decoded `X-Amz-Log-Result` tail (LogType=Tail), capped and redacted. */
export const ATTR_WIRETAP_AWS_LAMBDA_LOG_TAIL = 'wiretap.aws.lambda.log_tail';
// S3
export const ATTR_AWS_S3_BUCKET = 'aws.s3.bucket';
export const ATTR_AWS_S3_KEY = 'aws.s3.key';
export const ATTR_AWS_S3_COPY_SOURCE = 'aws.s3.copy_source';
export const ATTR_AWS_S3_UPLOAD_ID = 'aws.s3.upload_id';
export const ATTR_AWS_S3_PART_NUMBER = 'aws.s3.part_number';
/** Bytes of the object (or part) sent or received: decoded content length, not the aws-chunked wire size. */
export const ATTR_WIRETAP_AWS_S3_OBJECT_SIZE = 'wiretap.aws.s3.object_size';
export const ATTR_WIRETAP_AWS_S3_ETAG = 'wiretap.aws.s3.etag';
export const ATTR_WIRETAP_AWS_S3_VERSION_ID = 'wiretap.aws.s3.version_id';

// --- Stripe ---
export const RPC_SERVICE_VALUE_STRIPE = 'stripe';
/** The API resource of the operation, e.g. `PaymentIntents`, `V2.Core.Accounts`. */
export const ATTR_STRIPE_RESOURCE = 'stripe.resource';
/** The stripe-node method, e.g. `create`, `retrieve`, `confirm`. */
export const ATTR_STRIPE_METHOD = 'stripe.method';
/** The object the call is about: the last id in the path, else the `id` of the returned object. */
export const ATTR_STRIPE_OBJECT_ID = 'stripe.object.id';
/** The `object` type of the returned object, e.g. `payment_intent`, `list`. */
export const ATTR_STRIPE_OBJECT_TYPE = 'stripe.object.type';
/** The owning object for nested paths, e.g. the customer of `/v1/customers/{customer}/sources/{id}`. */
export const ATTR_STRIPE_PARENT_ID = 'stripe.parent.id';
export const ATTR_STRIPE_API_VERSION = 'stripe.api_version';
export const ATTR_STRIPE_ACCOUNT = 'stripe.account';
export const ATTR_STRIPE_IDEMPOTENCY_KEY = 'stripe.idempotency_key';
export const ATTR_STRIPE_REQUEST_ID = 'stripe.request_id';
export const ATTR_STRIPE_LIVEMODE = 'stripe.livemode';
export const ATTR_STRIPE_SHOULD_RETRY = 'stripe.should_retry';
export const ATTR_STRIPE_IDEMPOTENT_REPLAYED = 'stripe.idempotent_replayed';
export const ATTR_STRIPE_ERROR_TYPE = 'stripe.error.type';
export const ATTR_STRIPE_ERROR_CODE = 'stripe.error.code';
export const ATTR_STRIPE_ERROR_DECLINE_CODE = 'stripe.error.decline_code';
export const ATTR_STRIPE_ERROR_PARAM = 'stripe.error.param';
/** From `X-Stripe-Client-Telemetry`: the id and duration of an earlier request of the same client. */
export const ATTR_STRIPE_TELEMETRY_LAST_REQUEST_ID = 'stripe.telemetry.last_request_id';
export const ATTR_STRIPE_TELEMETRY_LAST_REQUEST_DURATION_MS = 'stripe.telemetry.last_request_duration_ms';

// --- Algolia ---
export const RPC_SERVICE_VALUE_ALGOLIA = 'algolia';
export const ATTR_ALGOLIA_APPLICATION_ID = 'algolia.application_id';
/** The operationId of the Algolia API spec, e.g. `searchSingleIndex`, `saveObject`. */
export const ATTR_ALGOLIA_OPERATION = 'algolia.operation';
/** Every index the call touches: from the path, or from `requests[].indexName` of multi-index calls. */
export const ATTR_ALGOLIA_INDEX_NAMES = 'algolia.index.names';
/** Set when the call touches exactly one index. */
export const ATTR_ALGOLIA_INDEX_NAME = 'algolia.index.name';
export const ATTR_ALGOLIA_OBJECT_ID = 'algolia.object.id';
/** Search text, capped and redacted; the first query of a multi-query. */
export const ATTR_ALGOLIA_QUERY = 'algolia.query';
/** Number of entries in `requests[]` (multi-query, batch, getObjects). */
export const ATTR_ALGOLIA_REQUEST_COUNT = 'algolia.request.count';
/** `nbHits`, summed over the results of a multi-query. */
export const ATTR_ALGOLIA_NB_HITS = 'algolia.nb_hits';
/** `processingTimeMS`, the largest over the results of a multi-query. */
export const ATTR_ALGOLIA_PROCESSING_TIME_MS = 'algolia.processing_time_ms';
export const ATTR_ALGOLIA_TASK_ID = 'algolia.task_id';
/** The client's `request-id` (header or `x-algolia-request-id`), the same on every attempt of one call. */
export const ATTR_ALGOLIA_REQUEST_ID = 'algolia.request_id';
/** On a resend: the host and status of the attempt before it. */
export const ATTR_ALGOLIA_RETRY_PREVIOUS_HOST = 'algolia.retry.previous_host';
export const ATTR_ALGOLIA_RETRY_PREVIOUS_STATUS = 'algolia.retry.previous_status';

// --- Lambda mode: the invocation span (FaaS server side) and its resource ---
/** http, pubsub, datasource, timer, other. */
export const ATTR_FAAS_TRIGGER = 'faas.trigger';
export const ATTR_FAAS_INVOCATION_ID = 'faas.invocation_id';
export const ATTR_FAAS_COLDSTART = 'faas.coldstart';
export const ATTR_FAAS_NAME = 'faas.name';
export const ATTR_FAAS_VERSION = 'faas.version';
export const ATTR_FAAS_INSTANCE = 'faas.instance';
export const ATTR_FAAS_MAX_MEMORY = 'faas.max_memory';
export const ATTR_CLOUD_PROVIDER = 'cloud.provider';
export const ATTR_CLOUD_PLATFORM = 'cloud.platform';
export const ATTR_CLOUD_RESOURCE_ID = 'cloud.resource_id';
export const ATTR_CLOUD_ACCOUNT_ID = 'cloud.account.id';
export const ATTR_HTTP_ROUTE = 'http.route';
export const ATTR_EXCEPTION_TYPE = 'exception.type';
export const ATTR_EXCEPTION_MESSAGE = 'exception.message';
export const ATTR_WIRETAP_AWS_DYNAMODB_SEQUENCE_NUMBERS = 'wiretap.aws.dynamodb.sequence_numbers';
export const ATTR_WIRETAP_AWS_S3_KEYS = 'wiretap.aws.s3.keys';
/** Why a span was exported while still running: `timeout` for the Lambda watchdog. */
export const ATTR_WIRETAP_INCOMPLETE_REASON = 'wiretap.incomplete.reason';
/** The X-Ray trace header the invocation received (`_X_AMZN_TRACE_ID` or the event's AWSTraceHeader). */
export const ATTR_WIRETAP_AWS_XRAY_TRACE_HEADER = 'wiretap.aws.xray.trace_header';
/** Spans that earlier invocations' flushes could not deliver within their wait, so far (they stay queued). */
export const ATTR_WIRETAP_LAMBDA_UNSENT_SPANS = 'wiretap.lambda.unsent_spans';
