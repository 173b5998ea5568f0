import { randomInt } from 'node:crypto';
import {
  CONTRACT_FIXTURES,
  type FuzzPhase,
  formatFuzzReport,
  fuzzTarget,
  schemathesisInstalled,
} from '../conformance/fuzz/run.ts';
import { InfraUnavailableError } from '../infra/errors.ts';
import { type Lab, startLab } from '../infra/lab.ts';
import { disposeSpec, type ProviderSpec, selectProvider } from '../infra/select-provider.ts';
import { startUpstream, type Upstream } from '../infra/upstream.ts';
import { startTarget } from '../launcher/launch.ts';
import { TARGETS } from '../launcher/registry.ts';
import { EXIT, requireValidEnv, setupError, usageError } from './errors.ts';
import { requireBuilt, selectTargets, splitList } from './select.ts';

export interface FuzzCommandOptions {
  target?: string[];
  maxExamples?: string;
  seed?: string;
  deterministic?: boolean;
  stateful?: boolean;
}

interface Io {
  out(text: string): void;
  err(line: string): void;
}

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) {
    throw usageError(`--${name} ${JSON.stringify(raw)} is invalid: expected an integer ≥ 1.`);
  }
  return value;
}

/**
 * `lab fuzz`: the exploratory counterpart of test/contract-fuzz.test.ts. Every registered target
 * (or `--target`) against the contract with Schemathesis, each from the seeded database, with
 * more examples, the stateful phase and randomized generation (the seed is printed, so a finding
 * can be replayed with `--seed`). Exit 1 on any finding.
 */
export async function fuzzCommand(options: FuzzCommandOptions, io: Io): Promise<number> {
  requireValidEnv();
  const names = splitList(options.target);
  const targets = names.length > 0 ? selectTargets(names) : [...TARGETS];
  const maxExamples = positiveInteger('max-examples', options.maxExamples, 200);
  const seed =
    options.seed === undefined ? randomInt(1, 2 ** 31) : positiveInteger('seed', options.seed, 1);
  requireBuilt(targets);
  if (!schemathesisInstalled()) {
    throw setupError('Schemathesis is not installed. Fix: bash scripts/setup.sh');
  }
  const phases: FuzzPhase[] = ['examples', 'coverage', 'fuzzing'];
  if (options.stateful ?? true) phases.push('stateful');

  let spec: ProviderSpec | undefined;
  let lab: Lab | undefined;
  let upstream: Upstream | undefined;
  let failed = 0;
  try {
    try {
      spec = await selectProvider();
    } catch (error) {
      if (error instanceof InfraUnavailableError) throw setupError(error.message);
      throw error;
    }
    lab = await startLab({ fixtures: [...CONTRACT_FIXTURES], spec });
    upstream = await startUpstream();
    io.out(
      `Fuzzing ${targets.length} target(s): seed ${seed}, ${maxExamples} examples per operation, ` +
        `phases ${phases.join(', ')}${options.deterministic ? ', deterministic' : ''}.`,
    );
    for (const definition of targets) {
      await lab.reset();
      const target = await startTarget(
        definition,
        {
          DATABASE_URL: lab.pg.url,
          UPSTREAM_URL: upstream.url,
          LAB_DB_POOL: '4',
          REDIS_URL: lab.redis.url,
        },
        { timeoutMs: 60_000 },
      );
      try {
        const report = await fuzzTarget(target.url, {
          // Only the contract groups the target declares.
          served: { groups: definition.supports, redis: true },
          seed,
          maxExamples,
          phases,
          deterministic: options.deterministic ?? false,
        });
        io.out(formatFuzzReport(report, definition.name));
        if (!report.ok) failed++;
      } finally {
        const stopped = await target.stop();
        if (!stopped.graceful) {
          io.err(`${definition.name} did not stop on SIGTERM (exit ${stopped.exit}); killed.`);
        }
      }
    }
  } finally {
    await upstream?.stop();
    await lab?.stop();
    if (spec) disposeSpec(spec);
  }
  io.out(
    failed === 0
      ? `No findings on ${targets.length} target(s) (seed ${seed}).`
      : `${failed} of ${targets.length} target(s) with findings (seed ${seed}; --seed ${seed} replays it).`,
  );
  return failed === 0 ? EXIT.ok : EXIT.failed;
}
