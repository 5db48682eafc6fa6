#!/usr/bin/env node
// Records fixtures/aws/dynamodb/*.json: the real AWS SDK clients (@aws-sdk/client-dynamodb v3,
// @aws-sdk/lib-dynamodb, aws-sdk v2) talk to dynalite on 127.0.0.1 through a small recording proxy.
// The proxy writes down each raw exchange, can inject faults (throttling) so the SDKs really retry, and
// answers operations dynalite does not implement (transactions, PartiQL) with DynamoDB-shaped replies.
// Each fixture's `expect` block is written here by hand, per scenario, not derived from wiretap's output.
// Usage: npm run build:test first is not needed; run `node scripts/record-dynamodb-fixtures.js`.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const dynalite = require('dynalite');
const v3 = require('@aws-sdk/client-dynamodb');
const lib = require('@aws-sdk/lib-dynamodb');
const AWS = require('aws-sdk');

const OUT = path.resolve(__dirname, '../fixtures/aws/dynamodb');
const REGION = 'us-east-1';
// Obviously fake credentials (AWS documentation example key id).
const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEEXAMPLEKEY' };
const V3_VERSION = require('@aws-sdk/client-dynamodb/package.json').version;
const V2_VERSION = require('aws-sdk/package.json').version;

let recording = null; // the current scenario's exchanges, or null while setting up
let fault = null; // (target, attemptIndex, body) => {status, body} | undefined

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

function dynamoError(status, type, message, extra) {
  return { status, body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message, ...extra }) };
}

async function main() {
  const backend = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const backendPort = await listen(backend);
  let seq = 0;
  const proxy = http.createServer((req, res) => {
    const chunks = [];
    const start = Date.now();
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const target = req.headers['x-amz-target'] || '';
      const index = recording ? recording.length : 0;
      const finish = (status, headers, resBody, responseStart) => {
        if (recording) {
          recording.push({
            request: { method: req.method, url: `http://127.0.0.1:8000${req.url}`, headers: { ...req.headers, host: '127.0.0.1:8000' }, body: body.toString('utf8') },
            response: { status, headers, body: resBody.toString('utf8') },
            timings: { start, responseStart, end: Date.now() },
          });
        }
      };
      const injected = fault && recording ? fault(target, index, body.toString('utf8')) : undefined;
      if (injected) {
        const headers = { 'x-amzn-requestid': `FAKEREQ${String(++seq).padStart(45, '0')}`, 'content-type': 'application/x-amz-json-1.0' };
        const resBody = Buffer.from(injected.body);
        res.writeHead(injected.status, { ...headers, 'content-length': resBody.length });
        const responseStart = Date.now();
        res.end(resBody);
        finish(injected.status, headers, resBody, responseStart);
        return;
      }
      const upstream = http.request({ host: '127.0.0.1', port: backendPort, method: req.method, path: req.url, headers: req.headers }, (up) => {
        const out = [];
        const responseStart = Date.now();
        up.on('data', (c) => out.push(c));
        up.on('end', () => {
          const resBody = Buffer.concat(out);
          const headers = {};
          for (const [k, v] of Object.entries(up.headers)) if (k !== 'date' && k !== 'connection') headers[k] = String(v);
          res.writeHead(up.statusCode, up.headers);
          res.end(resBody);
          finish(up.statusCode, headers, resBody, responseStart);
        });
      });
      upstream.end(body);
    });
  });
  const port = await listen(proxy);
  const endpoint = `http://127.0.0.1:${port}`;

  const client = new v3.DynamoDBClient({ region: REGION, endpoint, credentials: CREDENTIALS });
  const client2 = new v3.DynamoDBClient({ region: REGION, endpoint, credentials: CREDENTIALS, maxAttempts: 2 });
  const doc = lib.DynamoDBDocumentClient.from(client);
  const v2 = new AWS.DynamoDB({ region: REGION, endpoint, credentials: new AWS.Credentials(CREDENTIALS), maxRetries: 3 });
  const v2doc = new AWS.DynamoDB.DocumentClient({ service: v2 });
  const send = (c) => (Cmd, input) => c.send(new Cmd(input));
  const s3 = send(client);

  // --- setup (not recorded) ---
  await s3(v3.CreateTableCommand, {
    TableName: 'users', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  });
  await s3(v3.CreateTableCommand, {
    TableName: 'orders', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'customerId', AttributeType: 'S' }, { AttributeName: 'orderId', AttributeType: 'S' }, { AttributeName: 'status', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'customerId', KeyType: 'HASH' }, { AttributeName: 'orderId', KeyType: 'RANGE' }],
    GlobalSecondaryIndexes: [{ IndexName: 'byStatus', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }, { AttributeName: 'orderId', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
  });
  for (const [c, o, st] of [['c1', 'o1', 'open'], ['c1', 'o2', 'open'], ['c1', 'o3', 'shipped'], ['c2', 'o4', 'open']]) {
    await s3(v3.PutItemCommand, { TableName: 'orders', Item: { customerId: { S: c }, orderId: { S: o }, status: { S: st }, total: { N: '42' } } });
  }
  await s3(v3.PutItemCommand, { TableName: 'users', Item: { id: { S: 'u1' }, name: { S: 'Ada' }, email: { S: 'ada@example.test' } } });

  const synthetic = {
    TransactGetItems: () => ({ status: 200, body: JSON.stringify({ Responses: [{ Item: { id: { S: 'u1' }, name: { S: 'Ada' } } }, { Item: { customerId: { S: 'c1' }, orderId: { S: 'o1' } } }] }) }),
    TransactWriteItems: () => ({ status: 200, body: '{}' }),
    ExecuteStatement: () => ({ status: 200, body: JSON.stringify({ Items: [{ customerId: { S: 'c1' }, orderId: { S: 'o1' }, status: { S: 'open' } }], NextToken: 'FAKE-NEXT-TOKEN' }) }),
    BatchExecuteStatement: () => ({ status: 200, body: JSON.stringify({ Responses: [{ Item: { id: { S: 'u1' } }, TableName: 'users' }, { TableName: 'orders', Item: { customerId: { S: 'c1' }, orderId: { S: 'o1' } } }] }) }),
    ExecuteTransaction: () => ({ status: 200, body: '{}' }),
  };
  const syntheticFault = (target) => synthetic[target.split('.')[1]]?.();
  const throttleFirst = (type) => (target, index) => (index === 0 ? dynamoError(400, type, 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.') : undefined);
  const throttleAll = (type) => () => dynamoError(400, type, 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.');

  const base = (op, tables, extra = {}) => ({
    name: `DynamoDB.${op}`,
    kind: 'client',
    decoder: 'aws.dynamodb',
    attributes: {
      'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB', 'rpc.method': op, 'cloud.region': REGION,
      'db.system.name': 'aws.dynamodb', 'db.operation.name': op,
      ...(tables ? { 'aws.dynamodb.table_names': tables } : {}),
      ...(tables && tables.length === 1 ? { 'db.collection.name': tables[0] } : {}),
      ...extra,
    },
  });
  const ok = (op, tables, extra, more = {}) => ({ ...base(op, tables, extra), status: 'unset', absent: ['error.type', 'http.request.resend_count'], contains: ['aws.request_id'], ...more });
  const failed = (op, tables, code, extra, more = {}) => {
    const e = base(op, tables, { 'error.type': code, ...extra });
    return { ...e, status: 'error', contains: ['wiretap.aws.error_message'], ...more };
  };
  const V3 = `@aws-sdk/client-dynamodb ${V3_VERSION}`;
  const DOC = `@aws-sdk/lib-dynamodb ${V3_VERSION}`;
  const V2 = `aws-sdk (v2) ${V2_VERSION}`;
  const SYN = 'response hand-shaped by the recording proxy (dynalite has no transactions/PartiQL)';
  const v3attempt = { 'wiretap.aws.max_attempts': 4, 'wiretap.aws.attempts': 1 };

  const scenarios = [
    // --- SDK v3, data plane ---
    ['v3-get-item', V3, () => s3(v3.GetItemCommand, { TableName: 'users', Key: { id: { S: 'u1' } }, ConsistentRead: true, ProjectionExpression: '#n, email', ExpressionAttributeNames: { '#n': 'name' }, ReturnConsumedCapacity: 'TOTAL' }),
      ok('GetItem', ['users'], { ...v3attempt, 'aws.dynamodb.consistent_read': true, 'aws.dynamodb.projection': '#n, email', 'aws.dynamodb.consumed_capacity': ['{"CapacityUnits":1,"TableName":"users"}'] })],
    ['v3-put-item', V3, () => s3(v3.PutItemCommand, { TableName: 'users', Item: { id: { S: 'u2' }, name: { S: 'Grace' } }, ReturnValues: 'ALL_OLD' }),
      ok('PutItem', ['users'], { ...v3attempt, 'wiretap.aws.dynamodb.return_values': 'ALL_OLD' })],
    ['v3-update-item', V3, () => s3(v3.UpdateItemCommand, { TableName: 'users', Key: { id: { S: 'u2' } }, UpdateExpression: 'SET #n = :n', ExpressionAttributeNames: { '#n': 'name' }, ExpressionAttributeValues: { ':n': { S: 'Grace H.' } }, ReturnValues: 'UPDATED_NEW' }),
      ok('UpdateItem', ['users'], { 'wiretap.aws.dynamodb.return_values': 'UPDATED_NEW' }, { contains: ['Grace H.'] })],
    ['v3-delete-item', V3, () => s3(v3.DeleteItemCommand, { TableName: 'users', Key: { id: { S: 'u2' } } }), ok('DeleteItem', ['users'], {})],
    ['v3-query-index-paged', V3, () => s3(v3.QueryCommand, { TableName: 'orders', IndexName: 'byStatus', KeyConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'open' } }, Limit: 2, ScanIndexForward: false, Select: 'ALL_ATTRIBUTES' }),
      ok('Query', ['orders'], { 'aws.dynamodb.index_name': 'byStatus', 'aws.dynamodb.limit': 2, 'aws.dynamodb.scan_forward': false, 'aws.dynamodb.select': 'ALL_ATTRIBUTES', 'aws.dynamodb.count': 2, 'aws.dynamodb.scanned_count': 2, 'wiretap.aws.dynamodb.has_more_pages': true })],
    ['v3-scan-segment', V3, () => s3(v3.ScanCommand, { TableName: 'orders', Segment: 0, TotalSegments: 1, ConsistentRead: false }),
      ok('Scan', ['orders'], { 'aws.dynamodb.segment': 0, 'aws.dynamodb.total_segments': 1, 'aws.dynamodb.consistent_read': false, 'aws.dynamodb.count': 4, 'aws.dynamodb.scanned_count': 4 }, { absent: ['error.type', 'wiretap.aws.dynamodb.has_more_pages'] })],
    ['v3-batch-get-item', V3, () => s3(v3.BatchGetItemCommand, { RequestItems: { users: { Keys: [{ id: { S: 'u1' } }] }, orders: { Keys: [{ customerId: { S: 'c1' }, orderId: { S: 'o1' } }, { customerId: { S: 'c2' }, orderId: { S: 'o4' } }], ConsistentRead: true } } }),
      ok('BatchGetItem', ['users', 'orders'], { 'db.operation.batch.size': 3, 'wiretap.aws.dynamodb.unprocessed_keys': 0 }, { absent: ['db.collection.name', 'error.type'] })],
    ['v3-batch-write-item', V3, () => s3(v3.BatchWriteItemCommand, { RequestItems: { users: [{ PutRequest: { Item: { id: { S: 'u3' } } } }], orders: [{ PutRequest: { Item: { customerId: { S: 'c3' }, orderId: { S: 'o9' } } } }, { DeleteRequest: { Key: { customerId: { S: 'c2' }, orderId: { S: 'o4' } } } }] }, ReturnConsumedCapacity: 'INDEXES' }),
      ok('BatchWriteItem', ['users', 'orders'], { 'db.operation.batch.size': 3, 'wiretap.aws.dynamodb.unprocessed_items': 0 }, { absent: ['db.collection.name', 'error.type'], contains: ['aws.dynamodb.consumed_capacity'] })],
    ['v3-transact-get-items', `${V3}; ${SYN}`, () => s3(v3.TransactGetItemsCommand, { TransactItems: [{ Get: { TableName: 'users', Key: { id: { S: 'u1' } } } }, { Get: { TableName: 'orders', Key: { customerId: { S: 'c1' }, orderId: { S: 'o1' } } } }] }),
      ok('TransactGetItems', ['users', 'orders'], { 'db.operation.batch.size': 2 }), syntheticFault],
    ['v3-transact-write-items', `${V3}; ${SYN}`, () => s3(v3.TransactWriteItemsCommand, { ClientRequestToken: 'fake-token-0001', TransactItems: [
      { Put: { TableName: 'users', Item: { id: { S: 'u4' } } } },
      { Update: { TableName: 'orders', Key: { customerId: { S: 'c1' }, orderId: { S: 'o1' } }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'paid' } } } },
      { ConditionCheck: { TableName: 'inventory', Key: { sku: { S: 'sku-1' } }, ConditionExpression: 'attribute_exists(sku)' } },
      { Delete: { TableName: 'users', Key: { id: { S: 'u3' } } } }] }),
      ok('TransactWriteItems', ['users', 'orders', 'inventory'], { 'db.operation.batch.size': 4 }), syntheticFault],
    ['v3-execute-statement', `${V3}; ${SYN}`, () => s3(v3.ExecuteStatementCommand, { Statement: 'SELECT * FROM "orders"."byStatus" WHERE "status" = ?', Parameters: [{ S: 'open' }], Limit: 1 }),
      ok('ExecuteStatement', ['orders'], { 'aws.dynamodb.limit': 1, 'wiretap.aws.dynamodb.has_more_pages': true }), syntheticFault],
    ['v3-batch-execute-statement', `${V3}; ${SYN}`, () => s3(v3.BatchExecuteStatementCommand, { Statements: [{ Statement: 'SELECT * FROM users WHERE id = ?', Parameters: [{ S: 'u1' }] }, { Statement: 'SELECT * FROM "orders" WHERE customerId = ? AND orderId = ?', Parameters: [{ S: 'c1' }, { S: 'o1' }] }] }),
      ok('BatchExecuteStatement', ['users', 'orders'], { 'db.operation.batch.size': 2 }), syntheticFault],
    ['v3-execute-transaction', `${V3}; ${SYN}`, () => s3(v3.ExecuteTransactionCommand, { TransactStatements: [{ Statement: "INSERT INTO \"users\" VALUE {'id': ?}", Parameters: [{ S: 'u5' }] }, { Statement: 'UPDATE "orders" SET "status" = ? WHERE customerId = ? AND orderId = ?', Parameters: [{ S: 'paid' }, { S: 'c1' }, { S: 'o2' }] }, { Statement: 'DELETE FROM "audit-log" WHERE id = ?', Parameters: [{ S: 'a1' }] }] }),
      ok('ExecuteTransaction', ['users', 'orders', 'audit-log'], { 'db.operation.batch.size': 3 }), syntheticFault],
    // --- SDK v3, control plane ---
    ['v3-create-table', V3, () => s3(v3.CreateTableCommand, { TableName: 'sessions', AttributeDefinitions: [{ AttributeName: 'sid', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'sid', KeyType: 'HASH' }], ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 2 } }),
      ok('CreateTable', ['sessions'], { 'aws.dynamodb.provisioned_read_capacity': 5, 'aws.dynamodb.provisioned_write_capacity': 2, 'aws.dynamodb.attribute_definitions': ['{"AttributeName":"sid","AttributeType":"S"}'] })],
    ['v3-describe-table', V3, () => s3(v3.DescribeTableCommand, { TableName: 'orders' }), ok('DescribeTable', ['orders'], {})],
    ['v3-list-tables', V3, () => s3(v3.ListTablesCommand, { Limit: 2 }), ok('ListTables', undefined, { 'aws.dynamodb.limit': 2, 'aws.dynamodb.table_count': 2, 'wiretap.aws.dynamodb.has_more_pages': true }, { absent: ['aws.dynamodb.table_names', 'error.type'] })],
    ['v3-delete-table', V3, () => s3(v3.DeleteTableCommand, { TableName: 'sessions' }), ok('DeleteTable', ['sessions'], {})],
    // --- SDK v3, errors ---
    ['v3-get-item-resource-not-found', V3, () => s3(v3.GetItemCommand, { TableName: 'missing-table', Key: { id: { S: 'x' } } }),
      failed('GetItem', ['missing-table'], 'ResourceNotFoundException', { 'wiretap.aws.attempts': 1 })],
    ['v3-put-item-conditional-check-failed', V3, () => s3(v3.PutItemCommand, { TableName: 'users', Item: { id: { S: 'u1' } }, ConditionExpression: 'attribute_not_exists(id)' }),
      failed('PutItem', ['users'], 'ConditionalCheckFailedException', {})],
    ['v3-get-item-validation-exception', V3, () => s3(v3.GetItemCommand, { TableName: 'users', Key: { wrong: { S: 'x' } } }),
      failed('GetItem', ['users'], 'ValidationException', {})],
    ['v3-transact-write-items-canceled', `${V3}; ${SYN}`, () => s3(v3.TransactWriteItemsCommand, { TransactItems: [
      { Put: { TableName: 'users', Item: { id: { S: 'u1' } }, ConditionExpression: 'attribute_not_exists(id)' } },
      { Update: { TableName: 'orders', Key: { customerId: { S: 'c1' }, orderId: { S: 'o1' } }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'x' } } } }] }),
      failed('TransactWriteItems', ['users', 'orders'], 'TransactionCanceledException', { 'wiretap.aws.dynamodb.cancellation_reasons': ['ConditionalCheckFailed', 'None'] }),
      () => dynamoError(400, 'TransactionCanceledException', 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]', { CancellationReasons: [{ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }, { Code: 'None' }] })],
    ['v3-update-item-throttled-then-ok', `${V3}; first attempt throttled by the recording proxy`, () => s3(v3.UpdateItemCommand, { TableName: 'users', Key: { id: { S: 'u1' } }, UpdateExpression: 'SET visits = :one', ExpressionAttributeValues: { ':one': { N: '1' } } }),
      ok('UpdateItem', ['users'], { 'http.request.resend_count': 1, 'wiretap.aws.attempts': 2, 'wiretap.aws.max_attempts': 4, 'wiretap.aws.previous_error_codes': ['ProvisionedThroughputExceededException'] }, { absent: ['error.type'] }),
      throttleFirst('ProvisionedThroughputExceededException')],
    ['v3-put-item-throttled-exhausted', `${V3} (maxAttempts 2); every attempt throttled by the recording proxy`, () => send(client2)(v3.PutItemCommand, { TableName: 'users', Item: { id: { S: 'u6' } } }),
      failed('PutItem', ['users'], 'ThrottlingException', { 'http.request.resend_count': 1, 'wiretap.aws.attempts': 2, 'wiretap.aws.max_attempts': 2, 'wiretap.aws.previous_error_codes': ['ThrottlingException'] }),
      throttleAll('ThrottlingException')],
    // --- lib-dynamodb (DocumentClient over v3) ---
    ['doc-get', DOC, () => doc.send(new lib.GetCommand({ TableName: 'users', Key: { id: 'u1' } })), ok('GetItem', ['users'], {})],
    ['doc-put-sensitive-attribute', DOC, () => doc.send(new lib.PutCommand({ TableName: 'users', Item: { id: 'u7', name: 'Eve', password: 'FAKE-PASSWORD-123' } })), ok('PutItem', ['users'], {}, { notContains: ['FAKE-PASSWORD-123'] })],
    ['doc-query', DOC, () => doc.send(new lib.QueryCommand({ TableName: 'orders', KeyConditionExpression: 'customerId = :c', ExpressionAttributeValues: { ':c': 'c1' } })),
      ok('Query', ['orders'], { 'aws.dynamodb.count': 3, 'aws.dynamodb.scanned_count': 3 })],
    ['doc-batch-write', DOC, () => doc.send(new lib.BatchWriteCommand({ RequestItems: { users: [{ PutRequest: { Item: { id: 'u8' } } }, { PutRequest: { Item: { id: 'u9' } } }] } })),
      ok('BatchWriteItem', ['users'], { 'db.operation.batch.size': 2 })],
    ['doc-transact-write', `${DOC}; ${SYN}`, () => doc.send(new lib.TransactWriteCommand({ TransactItems: [{ Put: { TableName: 'users', Item: { id: 'u10' } } }, { Delete: { TableName: 'orders', Key: { customerId: 'c1', orderId: 'o3' } } }] })),
      ok('TransactWriteItems', ['users', 'orders'], { 'db.operation.batch.size': 2 }), syntheticFault],
    // --- aws-sdk v2 (no amz-sdk-request header: retries are inferred) ---
    ['v2-get-item', V2, () => v2.getItem({ TableName: 'users', Key: { id: { S: 'u1' } }, AttributesToGet: ['name'] }).promise(),
      ok('GetItem', ['users'], { 'aws.dynamodb.attributes_to_get': ['name'] }, { absent: ['error.type', 'wiretap.aws.max_attempts', 'http.request.resend_count'] })],
    ['v2-put-item', V2, () => v2.putItem({ TableName: 'users', Item: { id: { S: 'u11' } } }).promise(), ok('PutItem', ['users'], {})],
    ['v2-query', V2, () => v2.query({ TableName: 'orders', KeyConditionExpression: 'customerId = :c', ExpressionAttributeValues: { ':c': { S: 'c1' } }, Limit: 1 }).promise(),
      ok('Query', ['orders'], { 'aws.dynamodb.limit': 1, 'aws.dynamodb.count': 1, 'wiretap.aws.dynamodb.has_more_pages': true })],
    ['v2-scan', V2, () => v2.scan({ TableName: 'users', Select: 'COUNT' }).promise(), ok('Scan', ['users'], { 'aws.dynamodb.select': 'COUNT' })],
    ['v2-batch-get-item', V2, () => v2.batchGetItem({ RequestItems: { users: { Keys: [{ id: { S: 'u1' } }, { id: { S: 'u11' } }] } } }).promise(),
      ok('BatchGetItem', ['users'], { 'db.operation.batch.size': 2 })],
    ['v2-delete-item', V2, () => v2.deleteItem({ TableName: 'users', Key: { id: { S: 'u11' } } }).promise(), ok('DeleteItem', ['users'], {})],
    ['v2-batch-write-item', V2, () => v2.batchWriteItem({ RequestItems: { users: [{ DeleteRequest: { Key: { id: { S: 'u8' } } } }] } }).promise(), ok('BatchWriteItem', ['users'], {})],
    ['v2-transact-get-items', `${V2}; ${SYN}`, () => v2.transactGetItems({ TransactItems: [{ Get: { TableName: 'users', Key: { id: { S: 'u1' } } } }, { Get: { TableName: 'orders', Key: { customerId: { S: 'c1' }, orderId: { S: 'o1' } } } }] }).promise(),
      ok('TransactGetItems', ['users', 'orders'], {}), syntheticFault],
    ['v2-execute-statement', `${V2}; ${SYN}`, () => v2.executeStatement({ Statement: "SELECT * FROM orders WHERE customerId = 'c1'" }).promise(), ok('ExecuteStatement', ['orders'], {}), syntheticFault],
    ['v2-documentclient-update', V2, () => v2doc.update({ TableName: 'users', Key: { id: 'u1' }, UpdateExpression: 'SET age = :a', ExpressionAttributeValues: { ':a': 36 } }).promise(), ok('UpdateItem', ['users'], {})],
    ['v2-get-item-resource-not-found', V2, () => v2.getItem({ TableName: 'nope', Key: { id: { S: 'x' } } }).promise(), failed('GetItem', ['nope'], 'ResourceNotFoundException', {})],
    ['v2-put-item-conditional-check-failed', V2, () => v2.putItem({ TableName: 'users', Item: { id: { S: 'u1' } }, ConditionExpression: 'attribute_not_exists(id)' }).promise(),
      failed('PutItem', ['users'], 'ConditionalCheckFailedException', {})],
    ['v2-update-item-throttled-then-ok', `${V2}; first attempt throttled by the recording proxy`, () => v2.updateItem({ TableName: 'users', Key: { id: { S: 'u1' } }, UpdateExpression: 'SET visits = :two', ExpressionAttributeValues: { ':two': { N: '2' } } }).promise(),
      ok('UpdateItem', ['users'], { 'http.request.resend_count': 1, 'wiretap.aws.attempts': 2, 'wiretap.aws.retry_inferred': true, 'wiretap.aws.previous_error_codes': ['ProvisionedThroughputExceededException'] }, { absent: ['error.type', 'wiretap.aws.max_attempts'] }),
      throttleFirst('ProvisionedThroughputExceededException')],
  ];

  fs.mkdirSync(OUT, { recursive: true });
  const only = process.argv[2];
  for (const [file, source, run, expect, faultFn] of scenarios) {
    if (only && !file.includes(only)) continue;
    recording = [];
    fault = faultFn || null;
    let result;
    try {
      result = await run();
    } catch (err) {
      result = err;
    }
    const exchanges = recording;
    recording = null;
    fault = null;
    if (exchanges.length === 0) throw new Error(`${file}: nothing recorded`);
    const [last, ...earlierReversed] = exchanges.slice().reverse();
    const fixture = {
      description: `${expect.name}${expect.status === 'error' ? ` failing with ${expect.attributes['error.type']}` : ''}: ${file}`,
      source: `${source}, recorded with scripts/record-dynamodb-fixtures.js against dynalite 4.0.0 on 127.0.0.1 (fake credentials)`,
      exchange: last,
      ...(earlierReversed.length ? { before: earlierReversed.reverse() } : {}),
      expect,
    };
    fs.writeFileSync(path.join(OUT, `${file}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
    const outcome = result instanceof Error ? `${result.name}` : 'ok';
    console.log(`${file}: ${exchanges.length} exchange(s), app saw ${outcome}`);
  }
  proxy.close();
  backend.close();
  client.destroy();
  client2.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
