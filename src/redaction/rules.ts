// The default redaction rules, as data. Every rule has a name so that WIRETAP_REDACT_DISABLE_DEFAULTS can
// turn it off explicitly; docs/redaction.md lists them.

/**
 * Key rules match a *normalized* key: lower case with `-`, `_`, `.`, spaces and brackets removed, so
 * `client_secret`, `Client-Secret` and `clientSecret` are all `clientsecret`.
 */
export interface KeyRule {
  name: string;
  pattern: RegExp;
}

export const KEY_RULES: readonly KeyRule[] = [
  { name: 'key:password', pattern: /passw|passphrase|pass$|^pwd$|pwd$|mnemonic|seedphrase/ },
  { name: 'key:secret', pattern: /secret/ },
  // Token counts (`max_tokens`, `input_tokens`) are numbers an LLM user wants to see.
  { name: 'key:token', pattern: /token(?!s$|count|usage|limit)/ },
  { name: 'key:credential', pattern: /credential/ },
  { name: 'key:api-key', pattern: /(api|access|private|signing|encryption|customer|master|license|app)key(?!id$)|accesskeyid|^apikey/ },
  { name: 'key:authorization', pattern: /^authorization$|^auth$|^bearer$|^proxyauthorization$/ },
  { name: 'key:cookie', pattern: /cookie|^sessionid$|^sid$|^sessionkey$/ },
  { name: 'key:signature', pattern: /^signature$|^sig$|xamzsignature/ },
  { name: 'key:card', pattern: /cardnumber|ccnumber|creditcard|^pan$|^cvc\d?$|^cvv\d?$|^cvn$|^csc$/ },
  { name: 'key:ssn', pattern: /^ssn$|ssn$|socialsecurity|^taxid$|^nationalid$/ },
  { name: 'key:pin', pattern: /^pin$|pincode|^otp$|onetimecode/ },
  { name: 'key:plaintext', pattern: /^plaintext$/ },
  { name: 'key:bank-account', pattern: /accountnumber|^iban$/ },
];

/** Keys masked only under a card-like parent: `card.number`, `card[number]`, `card.exp_month` stays. */
export const CARD_CHILD_KEYS = new Set(['number', 'cvc', 'cvv', 'cvc2', 'cvv2']);
export const CARD_PARENT = /card|payment(method)?details/;

/** Name/value pairs: when a `Name` holds a sensitive key, its sibling `Value` is masked. */
export const PAIR_NAME_KEYS = new Set(['name', 'key', 'parametername', 'parameterkey', 'attributename', 'keyname', 'optionname']);
export const PAIR_VALUE_KEYS = new Set(['value', 'values', 'parametervalue', 'attributevalue', 'stringvalue', 'binaryvalue', 'optionvalue']);

/** Header names masked by default (rule `header:<name>`). Names matching a key rule are masked too. */
export const HEADER_RULES: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-amz-security-token',
  'x-algolia-api-key',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-csrf-token',
  'x-xsrf-token',
  'stripe-signature',
  'x-amz-server-side-encryption-customer-key',
  'x-amz-server-side-encryption-customer-key-md5',
  'x-amz-copy-source-server-side-encryption-customer-key',
  'x-amz-copy-source-server-side-encryption-customer-key-md5',
];

/**
 * `x-amz-content-sha256` is the SHA-256 of the request body. For a small body (a password, a short
 * secret) it lets anyone confirm a guess offline, undoing the body's redaction. It is masked unless it is
 * one of the fixed markers that carry no payload information.
 */
export const CONTENT_SHA256_RULE = 'header:x-amz-content-sha256';
export const CONTENT_SHA256_KEEP = /^(UNSIGNED-PAYLOAD|STREAMING-[A-Z0-9-]+)$/;

/** Headers whose value is base64 text (Lambda log tails, client context): decoded, redacted, re-encoded. */
export const BASE64_TEXT_HEADERS = new Set(['x-amz-log-result', 'x-amz-client-context']);

/** Query parameter names masked by default (rule `query:<name>`), besides names matching a key rule. */
export const QUERY_RULES: readonly string[] = [
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'x-algolia-api-key',
  'access_token',
  'id_token',
  'refresh_token',
  'token',
  'key',
  'api_key',
  'apikey',
  'signature',
  'sig',
  'client_secret',
  'password',
  'code',
];

/**
 * Service rules: paths always masked for a service, whatever their keys. A path is dot-separated keys;
 * array indices are skipped (`Parameters.Value` matches every element), `*` is one key, `**` any number.
 * Services are matched on their canonical name (see `canonicalService`).
 */
export interface ServiceRule {
  name: string;
  service: string;
  paths: readonly string[];
  /** Only on this side (default both). */
  side?: 'request' | 'response';
  /** Only for these operations, compared case-insensitively (default all). */
  operations?: readonly string[];
}

export const SERVICE_RULES: readonly ServiceRule[] = [
  { name: 'service:secretsmanager', service: 'secretsmanager', paths: ['**.SecretString', '**.SecretBinary'] },
  // Always, not only WithDecryption/SecureString: the request that asked for decryption is not at hand
  // when the response is redacted, and a plain String parameter's value is rarely worth the risk.
  { name: 'service:ssm', service: 'ssm', paths: ['Value', 'Parameter.Value', 'Parameters.Value', 'Parameter.SourceResult', 'Parameters.SourceResult'] },
  { name: 'service:sts', service: 'sts', paths: ['**.Credentials', '**.SecretAccessKey', '**.SessionToken', '**.AccessKeyId'] },
  { name: 'service:kms', service: 'kms', paths: ['Plaintext', 'PlaintextBlob', 'KeyMaterial', 'PrivateKeyPlaintext'] },
  { name: 'service:stripe', service: 'stripe', paths: ['**.client_secret', '**.secret'], side: 'response' },
  { name: 'service:lambda', service: 'lambda', paths: ['Environment.Variables.*', 'Configuration.Environment.Variables.*'] },
  // API keys read or created through the Algolia API come back as `key` / `value`.
  { name: 'service:algolia', service: 'algolia', side: 'response', operations: ['getApiKey', 'addApiKey', 'updateApiKey', 'restoreApiKey', 'listApiKeys'], paths: ['key', 'value', 'keys.value'] },
];

/** Rule names that are not a single table entry above. */
export const OTHER_RULES = ['service:dynamodb-expressions', 'truncation:tail', 'string:embedded'] as const;

const SERVICE_ALIASES: Record<string, string> = {
  amazonssm: 'ssm',
  trentservice: 'kms',
  awssecuritytokenservice: 'sts',
  securitytokenservice: 'sts',
  awssecretsmanager: 'secretsmanager',
  awslambda: 'lambda',
  amazondynamodb: 'dynamodb',
  dynamodbstreams: 'dynamodbstreams',
};

/** `DynamoDB`, `dynamodb`, `DynamoDB_20120810`, `AmazonSSM`, `TrentService` → `dynamodb`, `ssm`, `kms`. */
export function canonicalService(service: string | undefined): string | undefined {
  if (!service) return undefined;
  let canonical = serviceCache.get(service);
  if (canonical === undefined) {
    const n = service.toLowerCase().replace(/[^a-z0-9]/g, '').replace(/v?\d{6,8}$/, '');
    canonical = SERVICE_ALIASES[n] ?? n;
    remember(serviceCache, service, canonical);
  }
  return canonical;
}

/** Normalizes a key for the key rules. Keys recur on every call: the result is cached (bounded). */
export function normalizeKey(key: string): string {
  let normalized = keyCache.get(key);
  if (normalized === undefined) {
    normalized = key.toLowerCase().replace(/[-_.\s[\]]/g, '');
    remember(keyCache, key, normalized);
  }
  return normalized;
}

const CACHE_MAX = 4096;
const keyCache = new Map<string, string>();
const serviceCache = new Map<string, string>();

function remember(cache: Map<string, string>, key: string, value: string): void {
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, value);
}
