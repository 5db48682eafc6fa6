'use strict';
// Headline workload: a whole process as an app runs it. Loads @aws-sdk/client-dynamodb, makes its first
// GetItem (timed on its own: that is where lazy loading lands), then BENCH_CALLS GetItems at
// BENCH_CONCURRENCY, and exits without flushing anything itself, so the agent's exit flush is part of the
// process. The orchestrator measures the process's CPU from outside (bash `time`: user + sys of the process
// and every child it waited for); this app only reports what it alone can see.
// BENCH_CALLS=0 makes the cold path "preload + first outgoing call".
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
require('@aws-sdk/client-dynamodb'); // loaded here, so the SDK's load is in `loadedCpu`
const { pool, int, dynamodbGetItem } = require('./common');

async function main() {
  const { client, command } = dynamodbGetItem();
  const send = () => client.send(command());
  const loadedCpu = process.cpuUsage(cpu0);
  const f0 = process.hrtime.bigint();
  const fc0 = process.cpuUsage();
  await send();
  const firstCallMs = Number(process.hrtime.bigint() - f0) / 1e6;
  const firstCpu = process.cpuUsage(fc0);
  const calls = int('BENCH_CALLS', 6000);
  const errors = calls > 0 ? await pool(calls, int('BENCH_CONCURRENCY', 16), send) : 0;
  client.destroy();
  const result = {
    calls,
    errors,
    loadCpuMs: (loadedCpu.user + loadedCpu.system) / 1000,
    firstCallMs,
    firstCallCpuMs: (firstCpu.user + firstCpu.system) / 1000,
    mainWallMs: Number(process.hrtime.bigint() - t0) / 1e6,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
