// The tests read spans with the same code as `wiretap view`.
export * from '../../src/cli/otlp-json';
