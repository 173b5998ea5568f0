import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestModule, TestSpecification } from 'vitest/node';
import { REPO_ROOT } from '../launcher/registry.ts';
import { makesVerdicts } from '../load/alpha.ts';
import { implicitOptIns, skipsAsOptIn } from '../load/opt-in.ts';

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
    const files = [...new Set(specifications.map((spec) => spec.moduleId))];
    const sources = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
    for (const variable of implicitOptIns([...sources.values()])) {
      process.env[variable] = '1';
      console.log(`[lab] ${variable}=1: only suites that need it were selected`);
    }
    const verdictFiles = files
      .filter((file) => {
        const source = sources.get(file) as string;
        return makesVerdicts(source) && !skipsAsOptIn(source);
      })
      .map((file) => relative(REPO_ROOT, file));
    process.env.LAB_VERDICT_SUITES = JSON.stringify(verdictFiles);
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
