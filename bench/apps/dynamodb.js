'use strict';
// Workload (a)/(b): @aws-sdk/client-dynamodb GetItem against the fake DynamoDB on 127.0.0.1.
const { DynamoDBClient, GetItemCommand } = require('@aws-sdk/client-dynamodb');
const { measure, report, flushAgent, int } = require('./common');

async function main() {
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${process.env.BENCH_DDB_PORT}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' },
    maxAttempts: 1,
  });
  const table = process.env.BENCH_TABLE || 'small';
  const command = () => new GetItemCommand({ TableName: table, Key: { id: { S: 'user-42' } } });
  const result = await measure(
    { calls: int('BENCH_CALLS', 20000), warmup: int('BENCH_WARMUP', 500), concurrency: int('BENCH_CONCURRENCY', 16) },
    () => client.send(command()),
  );
  await flushAgent();
  report(result);
  client.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
