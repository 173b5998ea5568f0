import { type RunnerTask, type RunnerTestFile, TestRunner } from 'vitest';
import { suiteAlpha } from './alpha.ts';

/**
 * The α of one verdict-making test in a vitest suite (alpha.ts): the suite's share of the run,
 * divided among the tests of its file that run, then among the test's `families` (a basic
 * suite's test has two rankings: throughput and latency). Outside a test: the suite's α.
 */
export function testAlpha(families = 1): number {
  const test = TestRunner.getCurrentTest();
  if (!test) return suiteAlpha() / families;
  return suiteAlpha(test.file.filepath) / runnableTests(test.file) / families;
}

function runnableTests(file: RunnerTestFile): number {
  let count = 0;
  const walk = (tasks: readonly RunnerTask[]) => {
    for (const task of tasks) {
      if (task.type === 'suite') walk(task.tasks);
      else if (task.mode === 'run') count++;
    }
  };
  walk(file.tasks);
  return Math.max(1, count);
}
