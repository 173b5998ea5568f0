/** Run reports: collection across vitest workers, merged JSON + Markdown, loading for tools. */
export * from './collector.ts';
export * from './environment.ts';
export * from './load.ts';
export * from './markdown.ts';
export * from './run-report.ts';
export * from './types.ts';
