import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InfraUnavailableError } from '../infra/errors.ts';
import { startLab } from '../infra/lab.ts';
import { disposeSpec, type ProviderSpec, selectProvider } from '../infra/select-provider.ts';
import { getTarget } from '../launcher/registry.ts';
import {
  CASE_IDS,
  type Calibration,
  type CaseId,
  type CaseOutcome,
  runCalibration,
} from '../load/calibration.ts';
import { budgetSeconds } from '../load/ranking-run.ts';
import { reportsDir } from '../report/collector.ts';
import { EXIT, setupError, usageError } from './errors.ts';
import { textTable } from './format.ts';
import { clock } from './progress.ts';
import { splitList } from './select.ts';

/**
 * `lab calibrate`: the lab's verdicts measured on this machine (src/load/calibration.ts) —
 * A/A false-difference rates, how often A/A is shown equivalent within the budget, the power on
 * planted slowdowns of 5% and 10%, and the minimum detectable effect. Writes
 * `reports/calibration-<time>.json` and `reports/calibration.json`; run reports then name the
 * calibration they ran under.
 */
export interface CalibrateOptions {
  repeats?: string;
  budget?: string;
  cases?: string[];
  target?: string;
  quick?: boolean;
  out?: string;
}

export interface CalibrateIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

const pct = (x: number): string => `${Math.round(x * 1000) / 10}%`;

/** The goals for this machine, each with whether the calibration met it. */
export function goals(c: Calibration): Array<{ goal: string; met: boolean; measured: string }> {
  const out: Array<{ goal: string; met: boolean; measured: string }> = [];
  const aa = c.cases.filter((x) => x.planted === 0);
  for (const x of aa) {
    const wrong = (x.counts.faster + x.counts.slower) / x.repeats;
    out.push({
      goal: `${x.id} ${x.phase}: called faster/slower in ≤ 5% of repeats`,
      met: wrong <= 0.05,
      measured: `${x.counts.faster + x.counts.slower}/${x.repeats} (${pct(wrong)})`,
    });
    const same = x.counts['no-difference'] / x.repeats;
    out.push({
      goal: `${x.id} ${x.phase}: called no-difference (±5%) in ≥ 80% within the budget`,
      met: same >= 0.8,
      measured: `${x.counts['no-difference']}/${x.repeats} (${pct(same)})`,
    });
  }
  for (const x of c.cases.filter((y) => y.planted >= 0.1)) {
    const found = x.counts.faster / x.repeats;
    out.push({
      goal: `${x.id} ${x.phase}: the planted copy called slower in ≥ 90%, never faster`,
      met: found >= 0.9 && x.counts.slower === 0,
      measured: `${x.counts.faster}/${x.repeats} slower (${pct(found)}), ${x.counts.slower} faster`,
    });
  }
  return out;
}

export function formatCalibration(c: Calibration): string {
  const rows = [
    [
      'Case',
      'Family',
      'Expected',
      'A faster',
      'A slower',
      'Same',
      'Inconclusive',
      'Median blocks / s',
      'Block sd',
      'Median ratio',
      'Min. detectable',
    ],
    ...c.cases.map((x: CaseOutcome) => [
      x.id,
      x.phase,
      x.expected === 'faster' ? 'A faster' : 'same',
      String(x.counts.faster),
      String(x.counts.slower),
      String(x.counts['no-difference']),
      String(x.counts.inconclusive),
      `${median(x.blocks)} / ${median(x.seconds)}`,
      pct(x.blockSd),
      `${x.medianRatio.toFixed(3)}×`,
      `${x.minimumDetectableRatio.toFixed(3)}×`,
    ]),
  ];
  const lines = [
    `Calibration of ${c.at} on ${c.machine.cpu} (${c.machine.cores} cores): ${c.repeats} repeats per case, budget ${c.budgetSeconds} s per pair, α ${c.alpha} per pair (half per family); trivial server ${c.cpuPerRequestUs.toFixed(2)} µs CPU per request; took ${clock(c.seconds)}`,
    '',
    textTable(rows),
    '',
    'A is the unplanted (or first) copy. Min. detectable: the smallest true ratio the budget calls faster 4 times in 5, from the block spread.',
    '',
    'Goals:',
    ...goals(c).map((g) => `  ${g.met ? '✓' : '✗'} ${g.goal}: ${g.measured}`),
  ];
  const misses = c.cases.filter((x) => (x.misses ?? []).length > 0);
  if (misses.length > 0) {
    lines.push('', 'Repeats without the expected verdict, and why:');
    for (const x of misses) {
      for (const miss of x.misses) lines.push(`  ${x.id} ${x.phase}, ${miss}`);
    }
  }
  return lines.join('\n');
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[s.length >> 1] as number) : 0;
}

/** Writes JSON through a temporary file and a rename, so readers never see half a file. */
function writeJsonAtomic(file: string, data: unknown): void {
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(partial, file);
}

export async function calibrateCommand(
  options: CalibrateOptions,
  io: CalibrateIo,
): Promise<number> {
  const env = io.env ?? process.env;
  if (options.quick) env.LAB_QUICK = '1';
  const repeats = options.repeats === undefined ? 20 : Number(options.repeats);
  if (!(Number.isInteger(repeats) && repeats >= 1)) {
    throw usageError(
      `--repeats must be a positive integer, got ${JSON.stringify(options.repeats)}.`,
    );
  }
  if (options.budget !== undefined) env.LAB_BUDGET = options.budget;
  let budget: number;
  try {
    budget = budgetSeconds(env);
  } catch (error) {
    throw usageError((error as Error).message);
  }
  const names = splitList(options.cases);
  const unknown = names.filter((n) => !CASE_IDS.includes(n as CaseId));
  if (unknown.length > 0) {
    throw usageError(`Unknown case ${unknown.join(', ')}. Valid cases: ${CASE_IDS.join(', ')}.`);
  }
  const cases = (names.length ? names : CASE_IDS) as CaseId[];
  const target = options.target ?? 'fastify';
  try {
    getTarget(target);
  } catch (error) {
    throw usageError((error as Error).message);
  }
  io.out(
    `lab calibrate: ${cases.join(', ')} × ${repeats} repeats, budget ${budget} s per pair (at most ${clock(cases.length * repeats * (budget + 20))})`,
  );
  let spec: ProviderSpec | undefined;
  try {
    try {
      spec = await selectProvider({ env });
    } catch (error) {
      if (error instanceof InfraUnavailableError) throw setupError(error.message);
      throw error;
    }
    const lab = await startLab({ fixtures: ['users'], spec });
    let calibration: Calibration;
    try {
      calibration = await runCalibration({
        lab,
        repeats,
        budgetSeconds: budget,
        cases,
        target,
        log: (line) => io.out(`[calibrate] ${line}`),
      });
    } finally {
      await lab.stop();
    }
    const dir = options.out ? resolve(options.out) : reportsDir(env);
    mkdirSync(dir, { recursive: true });
    const stamp = calibration.at.replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
    const file = join(dir, `calibration-${stamp}.json`);
    writeJsonAtomic(file, calibration);
    writeJsonAtomic(join(dir, 'calibration.json'), { ...calibration, file });
    io.out('');
    io.out(formatCalibration(calibration));
    io.out('');
    io.out(`Calibration: ${file} (and ${join(dir, 'calibration.json')}; run reports name it)`);
  } finally {
    if (spec) disposeSpec(spec);
  }
  return EXIT.ok;
}
