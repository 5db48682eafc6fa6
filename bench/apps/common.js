'use strict';
// Shared by the workload apps: a bounded concurrent loop and the measurement printed as one JSON line.

/** Runs `fn` `calls` times with `concurrency` in flight. */
async function pool(calls, concurrency, fn) {
  let next = 0;
  let errors = 0;
  const worker = async () => {
    while (next < calls) {
      next++;
      try {
        await fn();
      } catch (err) {
        if (errors++ === 0) process.stderr.write(`bench: first error: ${err && err.stack ? err.stack : err}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, worker));
  return errors;
}

/** Warm-up, then the timed loop: CPU of this whole process (all threads) per call, calls/s, peak RSS. */
async function measure({ calls, warmup, concurrency }, fn) {
  await pool(warmup, concurrency, fn);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const errors = await pool(calls, concurrency, fn);
  const wallNs = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    calls,
    errors,
    wallMs: wallNs / 1e6,
    cpuMs,
    cpuUsPerCall: (cpuMs * 1000) / calls,
    userUsPerCall: cpu.user / calls,
    sysUsPerCall: cpu.system / calls,
    callsPerSec: calls / (wallNs / 1e9),
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    heapMB: process.memoryUsage().heapUsed / 1048576,
  };
}

/** What the agents say about themselves: wiretap's queue counters, or the OTel provider's presence. */
function agentStats() {
  const slot = globalThis[Symbol.for('wiretap.agent.v1')];
  if (slot && slot.agent) {
    const ps = slot.agent.tracing.processors;
    return {
      agent: 'wiretap',
      dropped: ps.reduce((n, p) => n + p.dropped, 0),
      exported: ps.reduce((n, p) => n + p.exported, 0),
      failed: ps.reduce((n, p) => n + p.failed, 0),
      pending: ps.reduce((n, p) => n + p.pending, 0),
    };
  }
  if (globalThis[Symbol.for('bench.otel.provider')]) return { agent: 'otel' };
  return { agent: 'none' };
}

/** Flushes whichever agent is loaded, so the receiver sees every span (outside the timed window). */
async function flushAgent() {
  const slot = globalThis[Symbol.for('wiretap.agent.v1')];
  if (slot && slot.agent) await slot.agent.flush();
  const otel = globalThis[Symbol.for('bench.otel.provider')];
  if (otel) await otel.forceFlush();
}

function report(result) {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ ...result, ...agentStats() })}\n`);
}

const int = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);

/** The DynamoDB client and GetItem command both DynamoDB workloads send (to the bench's local server). */
function dynamodbGetItem() {
  const { DynamoDBClient, GetItemCommand } = require('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${process.env.BENCH_DDB_PORT}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' },
    maxAttempts: 1,
  });
  const table = process.env.BENCH_TABLE || 'small';
  return { client, command: () => new GetItemCommand({ TableName: table, Key: { id: { S: 'user-42' } } }) };
}

module.exports = { pool, measure, report, flushAgent, agentStats, int, dynamodbGetItem };
