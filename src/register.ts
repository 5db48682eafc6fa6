// The preload: `node --require wiretap/register app.js` or `NODE_OPTIONS="--require wiretap/register"`.
// ESM apps use `--import wiretap/register` (register.mjs loads this same file). A preload never throws.
import { loadConfig } from './config/load';
import { createAgent } from './agent';
import { slot } from './global';
import { diag, describe } from './diag/log';

try {
  const s = slot();
  if (!s.agent) {
    const config = loadConfig(process.env);
    if (config.enabled) {
      const agent = createAgent(config, process.env);
      s.agent = agent;
      for (const d of s.pending.splice(0)) agent.registerDecoder(d);
      diag.debug(`started; exporters: ${config.exporters.join(',') || 'none'}`);
    }
  }
} catch (err) {
  diag.error(`not started: ${describe(err)}`);
}
