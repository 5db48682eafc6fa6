import { expect } from 'chai';
import { loadCliEnv } from '../../../src/config/load';

describe('config/loadCliEnv', () => {
  it('defaults: ./wiretap-traces.jsonl, no colour flags, no width', () => {
    expect(loadCliEnv({})).to.deep.equal({ traceFile: 'wiretap-traces.jsonl', noColor: false, forceColor: false });
  });
  it('WIRETAP_FILE, NO_COLOR (any non-empty value), FORCE_COLOR (not 0/false), COLUMNS (positive integer)', () => {
    expect(loadCliEnv({ WIRETAP_FILE: ' out.jsonl ', NO_COLOR: '1', FORCE_COLOR: '1', COLUMNS: '132' })).to.deep.equal({ traceFile: 'out.jsonl', noColor: true, forceColor: true, columns: 132 });
    expect(loadCliEnv({ NO_COLOR: '', FORCE_COLOR: '0', COLUMNS: 'wide' })).to.deep.equal({ traceFile: 'wiretap-traces.jsonl', noColor: false, forceColor: false });
    expect(loadCliEnv({ FORCE_COLOR: 'false' }).forceColor).to.equal(false);
  });
});
