import { isQuick } from '../../scenarios/index.ts';
import { COLD_WARM_DEFAULTS, type ColdWarmSettings } from './cold-warm.ts';
import { SOAK_DEFAULTS, type SoakSettings } from './soak.ts';
import { SPIKE_PROFILES, type SpikeProfile } from './spike.ts';

/**
 * The stress suites' knobs (docs/measurement.md lists them): modest defaults, quick ones under
 * LAB_QUICK=1, and variables for long runs — an hours-long soak is `LAB_SOAK_SECONDS=7200`.
 */
function number(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  check: (n: number) => boolean,
  expected: string,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!check(value)) throw new Error(`${name} must be ${expected}, got ${JSON.stringify(raw)}`);
  return value;
}

const positive = (n: number) => Number.isFinite(n) && n > 0;
const count = (n: number) => Number.isInteger(n) && n > 0;

/** A comma-separated list of positive integers (`1,2,4,8`), at least two, no duplicates. */
export function levelList(raw: string, name: string): number[] {
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (
    values.length < 2 ||
    values.some((v) => !count(v)) ||
    new Set(values).size !== values.length
  ) {
    throw new Error(
      `${name} must be two or more distinct positive integers separated by commas, got ${JSON.stringify(raw)}`,
    );
  }
  return values;
}

export function spikeProfile(env: NodeJS.ProcessEnv = process.env): SpikeProfile {
  const base = SPIKE_PROFILES[isQuick(env) ? 'quick' : 'full'];
  return {
    ...base,
    base: number(env, 'LAB_SPIKE_BASE', base.base, count, 'a positive integer'),
    peak: number(env, 'LAB_SPIKE_PEAK', base.peak, count, 'a positive integer'),
    hold: number(env, 'LAB_SPIKE_HOLD', base.hold, positive, 'seconds > 0'),
  };
}

export function soakSettings(alpha: number, env: NodeJS.ProcessEnv = process.env): SoakSettings {
  const base = SOAK_DEFAULTS[isQuick(env) ? 'quick' : 'full'];
  const durationSeconds = number(
    env,
    'LAB_SOAK_SECONDS',
    base.durationSeconds,
    positive,
    'seconds > 0',
  );
  const warmupSeconds = number(
    env,
    'LAB_SOAK_WARMUP',
    base.warmupSeconds,
    (n) => n >= 0,
    'seconds ≥ 0',
  );
  const maxWarmupSeconds = number(
    env,
    'LAB_SOAK_WARMUP_MAX',
    Math.max(base.maxWarmupSeconds, warmupSeconds),
    (n) => n >= warmupSeconds,
    `seconds ≥ LAB_SOAK_WARMUP (${warmupSeconds})`,
  );
  return {
    ...base,
    durationSeconds,
    warmupSeconds,
    maxWarmupSeconds,
    // Long soaks: windows of ~1/300 of the run keep the report small.
    windowSeconds: Math.max(base.windowSeconds, Math.round(durationSeconds / 300)),
    vus: number(env, 'LAB_SOAK_VUS', base.vus, count, 'a positive integer'),
    thresholdPer10k: number(
      env,
      'LAB_LEAK_THRESHOLD',
      base.thresholdPer10k,
      positive,
      'MiB per 10,000 requests > 0',
    ),
    alpha,
  };
}

export function coldWarmSettings(
  alpha: number,
  env: NodeJS.ProcessEnv = process.env,
): ColdWarmSettings {
  const base = COLD_WARM_DEFAULTS[isQuick(env) ? 'quick' : 'full'];
  return {
    ...base,
    repetitions: number(
      env,
      'LAB_COLD_REPEATS',
      base.repetitions,
      (n) => count(n) && n >= 3,
      'an integer ≥ 3',
    ),
    firstN: number(env, 'LAB_COLD_FIRST_N', base.firstN, count, 'a positive integer'),
    alpha,
  };
}
