// The views' model: pure functions of trace files. Used by the CLI and the HTML report; never loaded by
// the preload (test/unit/views/preload-isolation.test.ts proves it).
export * from './types';
export * from './read';
export * from './describe';
export * from './transactions';
export * from './critical-path';
export * from './stats';
export * from './where';
export * from './diff';
export * from './logs';
