// Lambda mode's settings from the environment (src/config/load.ts).
import { expect } from 'chai';
import { loadConfig, lambdaTraceHeader } from '../../../src/config/load';

const LAMBDA = { AWS_LAMBDA_FUNCTION_NAME: 'orders', _HANDLER: 'index.handler', LAMBDA_TASK_ROOT: '/var/task', AWS_REGION: 'eu-west-1', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512', AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', WIRETAP_LOG_LEVEL: 'none' };

describe('config: Lambda mode', () => {
  it('is on in a Lambda environment, with the function and runtime settings', () => {
    const c = loadConfig(LAMBDA);
    expect(c.lambda).to.include({ functionName: 'orders', handler: 'index.handler', taskRoot: '/var/task', region: 'eu-west-1', memoryMb: 512, runtimeApi: '127.0.0.1:9001', timeoutBufferMs: 500, initLoad: 'compile' });
    expect(c.lambda!.flushTimeoutMs).to.equal(undefined);
  });
  it('defaults the file exporter to stdout there, and WIRETAP_FILE still wins', () => {
    expect(loadConfig(LAMBDA).filePath).to.equal('/dev/stdout');
    expect(loadConfig({ ...LAMBDA, WIRETAP_FILE: '/tmp/x.jsonl' }).filePath).to.equal('/tmp/x.jsonl');
    expect(loadConfig({}).filePath).to.equal('wiretap-traces.jsonl');
  });
  it('is off outside Lambda, with only a function name, or with WIRETAP_LAMBDA=false', () => {
    expect(loadConfig({}).lambda).to.equal(undefined);
    expect(loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'x' }).lambda).to.equal(undefined);
    expect(loadConfig({ ...LAMBDA, WIRETAP_LAMBDA: 'false' }).lambda).to.equal(undefined);
  });
  it('reads the flush wait, the watchdog buffer and lazy loading', () => {
    const c = loadConfig({ ...LAMBDA, WIRETAP_LAMBDA_FLUSH_TIMEOUT_MS: '250', WIRETAP_LAMBDA_TIMEOUT_BUFFER_MS: '1000', WIRETAP_LAMBDA_EAGER: 'false' });
    expect(c.lambda).to.include({ flushTimeoutMs: 250, timeoutBufferMs: 1000, initLoad: 'none' });
  });
  it('loads everything in init where init runs before traffic, only the code on demand, as WIRETAP_LAMBDA_EAGER says when set', () => {
    const initLoad = (extra: Record<string, string>) => loadConfig({ ...LAMBDA, ...extra }).lambda!.initLoad;
    expect(initLoad({ AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' })).to.equal('compile');
    expect(initLoad({ AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency' })).to.equal('all');
    expect(initLoad({ AWS_LAMBDA_INITIALIZATION_TYPE: 'snap-start' })).to.equal('all');
    expect(initLoad({ AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand', WIRETAP_LAMBDA_EAGER: 'true' })).to.equal('all');
    expect(initLoad({ AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency', WIRETAP_LAMBDA_EAGER: 'off' })).to.equal('none');
    expect(initLoad({ WIRETAP_LAMBDA_EAGER: ' ' })).to.equal('compile');
  });
  it('reads the X-Ray header of the current invocation', () => {
    expect(lambdaTraceHeader({ _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793' })).to.equal('Root=1-5759e988-bd862e3fe1be46a994272793');
    expect(lambdaTraceHeader({})).to.equal(undefined);
  });
});
