/** Run reports: collection across vitest workers, JSON + Markdown + HTML, history, run comparison. */
export * from './collector.ts';
export * from './compare.ts';
export * from './compare-types.ts';
export * from './environment.ts';
export * from './history.ts';
export * from './html.ts';
export * from './load.ts';
export * from './markdown.ts';
export * from './run-report.ts';
export * from './types.ts';
