import { expect } from 'chai';
import { loadConfig } from '../../../src/config/load';
import { createRedactor } from '../../../src/redaction/redact';
import { redactArgs, redactResourceAttributes } from '../../../src/spans/tracing';

// Obviously fake secrets in the shapes the value detectors know.
const STRIPE = 'sk_live_FAKEfake0000notreal1234';
const AWS_ID = 'AKIAFAKEFAKEFAKEFAKE';

describe('Tracing: resource redaction', () => {
  const redactor = createRedactor(loadConfig({}).redaction);

  it('masks --name=value, --name value and NAME=value by the key rules, and values by the detectors', () => {
    const args = ['/usr/bin/node', 'app.js', `--api-key=${STRIPE}`, '--token', 'opaque-value-1', '--password=hunter2', 'DB_SECRET=xyz', '--port=8080', '--verbose', '--name', 'demo', `--note=${AWS_ID}`, STRIPE];
    expect(redactArgs(args, redactor)).to.deep.equal([
      '/usr/bin/node',
      'app.js',
      '--api-key=[REDACTED]',
      '--token',
      '[REDACTED]',
      '--password=[REDACTED]',
      'DB_SECRET=[REDACTED]',
      '--port=8080',
      '--verbose',
      '--name',
      'demo',
      '--note=[REDACTED]',
      '[REDACTED]',
    ]);
  });

  it('a flag after a sensitive flag is not taken as its value', () => {
    expect(redactArgs(['--token', '--verbose', 'x'], redactor)).to.deep.equal(['--token', '--verbose', 'x']);
  });

  it('applies to every resource attribute: command args and line, sensitive keys, detector values', () => {
    const out = redactResourceAttributes(
      {
        'process.command_args': ['node', 'app.js', `--api-key=${STRIPE}`],
        'process.command_line': `node app.js --secret ${STRIPE} --port=1`,
        'service.name': 'shop',
        'deployment.token': 'abc',
        'host.note': `id ${AWS_ID}`,
        'process.pid': 42,
      },
      redactor,
    );
    expect(out).to.deep.equal({
      'process.command_args': ['node', 'app.js', '--api-key=[REDACTED]'],
      'process.command_line': 'node app.js --secret [REDACTED] --port=1',
      'service.name': 'shop',
      'deployment.token': '[REDACTED]',
      'host.note': 'id [REDACTED]',
      'process.pid': 42,
    });
  });
});
