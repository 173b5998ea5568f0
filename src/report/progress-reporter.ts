import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestModule, TestSpecification } from 'vitest/node';
import { REPO_ROOT } from '../launcher/registry.ts';
import { makesVerdicts } from '../load/alpha.ts';
import { skipsAsOptIn } from '../load/opt-in.ts';

/**
 * Whole-run progress for `pnpm bench`, next to vitest's own output: how many suites are done,
 * elapsed time, and an estimate of what is left from the average suite so far. Per-measurement
 * progress (round, target, seconds left) comes from the suites themselves.
 */
export default class BenchProgressReporter implements Reporter {
  private total = 0;
  private done = 0;
  private failed = 0;
  private started = 0;

  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    this.total = specifications.length;
    // The run's error budget is shared by the suites that make verdicts (src/load/alpha.ts);
    // workers are forked after this, with this process's environment.
    // A file left out as a whole (quick runs' per-variant HTTP rankings) spends none of it.
    const verdictFiles = specifications
      .map((spec) => spec.moduleId)
      .filter((file) => {
        const source = readFileSync(file, 'utf8');
        return makesVerdicts(source) && !skipsAsOptIn(source);
      })
      .map((file) => relative(REPO_ROOT, file));
    process.env.LAB_VERDICT_SUITES = JSON.stringify([...new Set(verdictFiles)]);
    this.started = performance.now();
    console.log(
      `[lab] ${this.total} benchmark suite${this.total === 1 ? '' : 's'} to run, one at a time`,
    );
  }

  onTestModuleEnd(testModule: TestModule): void {
    this.done++;
    const ok = testModule.ok();
    if (!ok) this.failed++;
    const elapsed = (performance.now() - this.started) / 1000;
    const left = this.total - this.done;
    const eta = left > 0 ? `, ~${clock((elapsed / this.done) * left)} left` : '';
    const name = relative(process.cwd(), testModule.moduleId);
    console.log(
      `[lab] ${this.done}/${this.total} ${ok ? 'done' : 'FAILED'}: ${name} — elapsed ${clock(elapsed)}${eta}`,
    );
  }
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
