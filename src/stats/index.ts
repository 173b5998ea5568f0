/** Statistics: bootstrap intervals of speed ratios, verdicts, sequential comparisons, sanity. */
export * from './bootstrap.ts';
export * from './compare.ts';
export * from './expect.ts';
export * from './family.ts';
export * from './metric.ts';
export * from './random.ts';
export * from './sanity.ts';
export * from './sequential.ts';
export * from './verdict.ts';
