// Where the configured exporters send spans. Kept apart from the exporters so that the preload can know
// it without loading the SDK, and without the OTLP exporter's module (child_process, zlib) where no OTLP
// exporter is configured (Lambda's default stdout exporter).
import type { Config, Env } from '../config/load';
import { otlpTracesUrl } from './otlp-env';

/** Where the configured exporters send spans: requests there are wiretap's own and are not recorded. */
export function exportTargets(config: Config, env: Env): { host: string; port: number; path: string }[] {
  if (!config.exporters.includes('otlp')) return [];
  try {
    const u = new URL(otlpTracesUrl(env));
    const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
    return [{ host: u.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port, path: u.pathname || '/' }];
  } catch {
    return [];
  }
}
