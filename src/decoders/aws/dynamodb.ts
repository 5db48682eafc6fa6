// DynamoDB in depth: the tables of every data-plane call (batch, transact and PartiQL included), the
// read/write options that explain a slow call, and what came back (counts, capacity, unprocessed work).
import type { Attributes } from '@opentelemetry/api';
import type { Decoder } from '../decoder';
import * as A from '../../semconv';
import { credentialScope } from './identify';
import { awsSpan, decodeAws, type KnownService } from './common';

const TARGET_PREFIX = 'DynamoDB_20120810';
const SERVICE: KnownService = { name: 'DynamoDB', targetPrefix: TARGET_PREFIX };

/** Where an operation names its tables. Anything not listed reads a top-level TableName (or ResourceArn). */
type TableSource = 'RequestItems' | 'TransactItems' | 'Statement' | 'Statements';

interface OperationSpec {
  tables?: TableSource;
  /** Member whose size is `db.operation.batch.size`. */
  batch?: TableSource;
  /** The response carries fields worth reading even when no capacity was asked for. */
  readsResponse?: boolean;
}

const OPERATIONS: Record<string, OperationSpec> = {
  BatchGetItem: { tables: 'RequestItems', batch: 'RequestItems', readsResponse: true },
  BatchWriteItem: { tables: 'RequestItems', batch: 'RequestItems', readsResponse: true },
  TransactGetItems: { tables: 'TransactItems', batch: 'TransactItems' },
  TransactWriteItems: { tables: 'TransactItems', batch: 'TransactItems' },
  ExecuteStatement: { tables: 'Statement', readsResponse: true },
  BatchExecuteStatement: { tables: 'Statements', batch: 'Statements', readsResponse: true },
  ExecuteTransaction: { tables: 'Statements', batch: 'Statements' },
  Query: { readsResponse: true },
  Scan: { readsResponse: true },
  ListTables: { readsResponse: true },
};

type Conversion = 'string' | 'boolean' | 'int' | 'double' | 'strings' | 'jsonList' | 'json';

/** Request members copied onto the span, whatever the operation. */
const REQUEST_MEMBERS: Members = [
  ['IndexName', A.ATTR_AWS_DYNAMODB_INDEX_NAME, 'string'],
  ['ProjectionExpression', A.ATTR_AWS_DYNAMODB_PROJECTION, 'string'],
  ['ConsistentRead', A.ATTR_AWS_DYNAMODB_CONSISTENT_READ, 'boolean'],
  ['Limit', A.ATTR_AWS_DYNAMODB_LIMIT, 'int'],
  ['Select', A.ATTR_AWS_DYNAMODB_SELECT, 'string'],
  ['ScanIndexForward', A.ATTR_AWS_DYNAMODB_SCAN_FORWARD, 'boolean'],
  ['Segment', A.ATTR_AWS_DYNAMODB_SEGMENT, 'int'],
  ['TotalSegments', A.ATTR_AWS_DYNAMODB_TOTAL_SEGMENTS, 'int'],
  ['AttributesToGet', A.ATTR_AWS_DYNAMODB_ATTRIBUTES_TO_GET, 'strings'],
  ['ExclusiveStartTableName', A.ATTR_AWS_DYNAMODB_EXCLUSIVE_START_TABLE, 'string'],
  ['ReturnValues', A.ATTR_WIRETAP_AWS_DYNAMODB_RETURN_VALUES, 'string'],
  ['ProvisionedThroughput.ReadCapacityUnits', A.ATTR_AWS_DYNAMODB_PROVISIONED_READ_CAPACITY, 'double'],
  ['ProvisionedThroughput.WriteCapacityUnits', A.ATTR_AWS_DYNAMODB_PROVISIONED_WRITE_CAPACITY, 'double'],
  ['AttributeDefinitions', A.ATTR_AWS_DYNAMODB_ATTRIBUTE_DEFINITIONS, 'jsonList'],
  ['GlobalSecondaryIndexes', A.ATTR_AWS_DYNAMODB_GLOBAL_SECONDARY_INDEXES, 'jsonList'],
  ['LocalSecondaryIndexes', A.ATTR_AWS_DYNAMODB_LOCAL_SECONDARY_INDEXES, 'jsonList'],
  ['GlobalSecondaryIndexUpdates', A.ATTR_AWS_DYNAMODB_GLOBAL_SECONDARY_INDEX_UPDATES, 'jsonList'],
];

/** Response members copied onto the span. ConsumedCapacity is an object or a list depending on the call. */
const RESPONSE_MEMBERS: Members = [
  ['ConsumedCapacity', A.ATTR_AWS_DYNAMODB_CONSUMED_CAPACITY, 'jsonList'],
  ['ItemCollectionMetrics', A.ATTR_AWS_DYNAMODB_ITEM_COLLECTION_METRICS, 'json'],
  ['Count', A.ATTR_AWS_DYNAMODB_COUNT, 'int'],
  ['ScannedCount', A.ATTR_AWS_DYNAMODB_SCANNED_COUNT, 'int'],
];
const REQUEST = compileMembers(REQUEST_MEMBERS);
const RESPONSE = compileMembers(RESPONSE_MEMBERS);

// PartiQL: the table follows FROM / INTO / UPDATE, quoted ("my-table", "t"."index") or bare.
const PARTIQL_TABLE = /\b(?:FROM|INTO|UPDATE)\s+("(?:[^"]|"")+"|[A-Za-z0-9_.-]+)/gi;
const PARTIQL_KEYWORDS = new Set(['SELECT', 'VALUE', 'SET', 'WHERE']);

export function partiqlTables(statement: string): string[] {
  const out: string[] = [];
  PARTIQL_TABLE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PARTIQL_TABLE.exec(statement)) !== null) {
    const raw = m[1];
    let table: string;
    if (raw.startsWith('"')) {
      const end = raw.length - 1;
      table = raw.slice(1, end).replace(/""/g, '"');
    } else {
      if (PARTIQL_KEYWORDS.has(raw.toUpperCase())) continue;
      const dot = raw.indexOf('.');
      table = dot < 0 ? raw : raw.slice(0, dot); // `table.index`
    }
    if (!out.includes(table)) out.push(table);
  }
  return out;
}

type Members = readonly (readonly [path: string, attribute: string, as: Conversion])[];

/** A member list compiled once: each path split, and the top-level keys any of them starts with. */
interface CompiledMembers {
  paths: readonly (readonly string[])[];
  members: Members;
  /** Top-level member names any path starts with: an input holding none of them has nothing to copy. */
  roots: ReadonlySet<string>;
}

function compileMembers(members: Members): CompiledMembers {
  const paths = members.map(([path]) => path.split('.'));
  return { paths, members, roots: new Set(paths.map((p) => p[0])) };
}

function get(obj: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = obj[path[0]];
  for (let i = 1; i < path.length; i++) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[path[i]];
  }
  return node;
}

function convert(value: unknown, as: Conversion): string | number | boolean | string[] | undefined {
  if (value === undefined || value === null) return undefined;
  switch (as) {
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
    case 'double':
      return typeof value === 'number' ? value : undefined;
    case 'strings':
      return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
    case 'jsonList':
      return (Array.isArray(value) ? value : [value]).map((v) => JSON.stringify(v));
    case 'json':
      return JSON.stringify(value);
  }
}

function copyMembers(from: Record<string, unknown>, compiled: CompiledMembers, to: Attributes): void {
  // Most requests hold two or three members, none of them copied: one look at their own keys says so.
  let any = false;
  for (const key in from) {
    if (compiled.roots.has(key)) {
      any = true;
      break;
    }
  }
  if (!any) return;
  const { paths, members } = compiled;
  for (let i = 0; i < members.length; i++) {
    const v = convert(get(from, paths[i]), members[i][2]);
    if (v !== undefined) to[members[i][1]] = v;
  }
}

/** `arn:aws:dynamodb:us-east-1:123456789012:table/users/index/byEmail` → `users`. */
function tableFromArn(arn: string): string | undefined {
  const at = arn.indexOf(':table/');
  if (at < 0) return undefined;
  const rest = arn.slice(at + 7);
  const slash = rest.indexOf('/');
  return slash < 0 ? rest : rest.slice(0, slash);
}

function addTable(tables: string[], name: unknown): void {
  if (typeof name === 'string' && name.length > 0 && !tables.includes(name)) tables.push(name);
}

function tablesOf(input: Record<string, unknown>, source: TableSource | undefined): string[] {
  const tables: string[] = [];
  switch (source) {
    case 'RequestItems': {
      const items = input.RequestItems;
      if (items && typeof items === 'object') for (const t of Object.keys(items)) addTable(tables, t);
      break;
    }
    case 'TransactItems': {
      const items = input.TransactItems;
      if (Array.isArray(items)) {
        for (const item of items) {
          if (!item || typeof item !== 'object') continue;
          for (const action of Object.values(item as Record<string, unknown>)) {
            if (action && typeof action === 'object') addTable(tables, (action as Record<string, unknown>).TableName);
          }
        }
      }
      break;
    }
    case 'Statement':
      if (typeof input.Statement === 'string') for (const t of partiqlTables(input.Statement)) addTable(tables, t);
      break;
    case 'Statements':
      if (Array.isArray(input.TransactStatements ?? input.Statements)) {
        for (const s of (input.TransactStatements ?? input.Statements) as unknown[]) {
          const statement = s && typeof s === 'object' ? (s as Record<string, unknown>).Statement : undefined;
          if (typeof statement === 'string') for (const t of partiqlTables(statement)) addTable(tables, t);
        }
      }
      break;
    default:
      addTable(tables, input.TableName);
      if (tables.length === 0 && typeof input.ResourceArn === 'string') addTable(tables, tableFromArn(input.ResourceArn));
      if (tables.length === 0 && typeof input.TableArn === 'string') addTable(tables, tableFromArn(input.TableArn));
  }
  return tables;
}

function batchSize(input: Record<string, unknown>, source: TableSource): number {
  if (source === 'RequestItems') {
    let n = 0;
    const items = input.RequestItems;
    if (items && typeof items === 'object') {
      for (const v of Object.values(items as Record<string, unknown>)) {
        if (Array.isArray(v)) n += v.length; // BatchWriteItem: a list of requests
        else if (v && typeof v === 'object' && Array.isArray((v as { Keys?: unknown }).Keys)) n += (v as { Keys: unknown[] }).Keys.length;
      }
    }
    return n;
  }
  const list = source === 'TransactItems' ? input.TransactItems : input.TransactStatements ?? input.Statements;
  return Array.isArray(list) ? list.length : 0;
}

/** Unprocessed work per table map: a list of write requests, or `{Keys: [...]}`. */
function countUnprocessed(map: unknown): number {
  if (!map || typeof map !== 'object') return 0;
  let n = 0;
  for (const v of Object.values(map as Record<string, unknown>)) {
    if (Array.isArray(v)) n += v.length;
    else if (v && typeof v === 'object' && Array.isArray((v as { Keys?: unknown }).Keys)) n += (v as { Keys: unknown[] }).Keys.length;
  }
  return n;
}

function wantsResponse(input: Record<string, unknown> | undefined): boolean {
  if (!input) return false;
  const cap = input.ReturnConsumedCapacity;
  const icm = input.ReturnItemCollectionMetrics;
  return (typeof cap === 'string' && cap !== 'NONE') || (typeof icm === 'string' && icm !== 'NONE');
}

function addResponse(output: Record<string, unknown>, attrs: Attributes): void {
  copyMembers(output, RESPONSE, attrs);
  if (output.LastEvaluatedKey !== undefined || output.NextToken !== undefined || output.LastEvaluatedTableName !== undefined) {
    attrs[A.ATTR_WIRETAP_AWS_DYNAMODB_HAS_MORE_PAGES] = true;
  }
  if (output.UnprocessedItems !== undefined) attrs[A.ATTR_WIRETAP_AWS_DYNAMODB_UNPROCESSED_ITEMS] = countUnprocessed(output.UnprocessedItems);
  if (output.UnprocessedKeys !== undefined) attrs[A.ATTR_WIRETAP_AWS_DYNAMODB_UNPROCESSED_KEYS] = countUnprocessed(output.UnprocessedKeys);
  if (Array.isArray(output.TableNames)) attrs[A.ATTR_AWS_DYNAMODB_TABLE_COUNT] = output.TableNames.length;
  const reasons = output.CancellationReasons;
  if (Array.isArray(reasons)) {
    attrs[A.ATTR_WIRETAP_AWS_DYNAMODB_CANCELLATION_REASONS] = reasons.map((r) =>
      r && typeof r === 'object' && typeof (r as { Code?: unknown }).Code === 'string' ? (r as { Code: string }).Code : 'None',
    );
  }
}

export const dynamodbDecoder: Decoder = {
  name: 'aws.dynamodb',
  match(head) {
    const target = head.headers['x-amz-target'];
    if (target === undefined || !target.startsWith(TARGET_PREFIX) || target.charCodeAt(TARGET_PREFIX.length) !== 46 /* . */) return false;
    return credentialScope(head) !== undefined;
  },
  decode(x, ctx) {
    const call = decodeAws(x, ctx, SERVICE);
    const attrs = call.attributes;
    const operation = call.operation;
    const spec = OPERATIONS[operation];
    attrs[A.ATTR_DB_SYSTEM_NAME] = A.DB_SYSTEM_NAME_VALUE_AWS_DYNAMODB;
    attrs[A.ATTR_DB_OPERATION_NAME] = operation;
    const input = call.input;
    if (input) {
      const tables = tablesOf(input, spec?.tables);
      if (tables.length > 0) attrs[A.ATTR_AWS_DYNAMODB_TABLE_NAMES] = tables;
      if (tables.length === 1) attrs[A.ATTR_DB_COLLECTION_NAME] = tableFromArn(tables[0]) ?? tables[0];
      copyMembers(input, REQUEST, attrs);
      if (spec?.batch) {
        const n = batchSize(input, spec.batch);
        if (n >= 2) attrs[A.ATTR_DB_OPERATION_BATCH_SIZE] = n; // semconv: batch size only for 2 or more
      }
    }
    // The response is only parsed when it holds something: most GetItem/PutItem answers are left alone.
    if (x.response && (call.error || x.response.status >= 400 || spec?.readsResponse || wantsResponse(input))) {
      const output = call.output();
      if (output) addResponse(output, attrs);
    }
    return awsSpan(call);
  },
};
