'use strict';
// Workload (a)/(b): @aws-sdk/client-dynamodb GetItem against the fake DynamoDB on 127.0.0.1.
const { measure, report, flushAgent, int, dynamodbGetItem } = require('./common');

async function main() {
  const { client, command } = dynamodbGetItem();
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
