/**
 * Pilot experiment: where does this machine's noise live? (Kalibera & Jones 2013: replicate at
 * the level with the largest variance, found by a pilot.) For the trivial node:http server and
 * one real target, measured with the in-process engine (target on CPU 0, this process on CPU 1):
 *
 *   E1 within one process: 30 consecutive 1-s slices after a 2-s warm-up;
 *   E2 between processes: 8 fresh processes, each 2-s warm-up then 4 × 1-s slices;
 *   E3 A/A interleaved: two processes of the same target, 20 blocks of A B (or B A) 1-s slices;
 *   E4 A/A finely interleaved: the same two processes, 20 blocks of 10 cycles of 100-ms
 *      sub-slices alternating A and B (src/load/inprocess/interleaved.ts), one value per block.
 *
 * For throughput, median latency and target CPU time per request (schedstat, ns resolution) it
 * prints the spread of log values (E1), the variance components between and within processes
 * (E2), and the spread of per-block log-ratios (E3). `node scripts/noise-pilot.ts [target]`
 * (default fastify); `--json out.json` keeps the raw slices. Takes about 5 minutes.
 */
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLab } from '../src/infra/lab.ts';
import { startUpstream } from '../src/infra/upstream.ts';
import { type RunningTarget, startTarget, type TargetEnv } from '../src/launcher/launch.ts';
import { getTarget, type TargetDefinition } from '../src/launcher/registry.ts';
import { createInProcessDriver, runInProcess } from '../src/load/inprocess/engine.ts';
import { runInterleavedBlock } from '../src/load/inprocess/interleaved.ts';
import { pinningPlan, pinProcess } from '../src/load/pinning.ts';
import { groupCpuSeconds } from '../src/load/proc-sampler.ts';

interface Slice {
  throughput: number;
  p50: number;
  cpuPerRequestUs: number;
}

const TRIVIAL: TargetDefinition = {
  ...getTarget('fastify'),
  name: 'trivial',
  description: 'node:http answering /health',
  folder: 'src/load/baseline',
  start: ['{node}', 'trivial-server.ts'],
  framework: 'node:http',
};

const plan = pinningPlan();
if (!plan.targetCpus || !plan.generatorCpus) throw new Error(`no pinning: ${plan.reason}`);
const targetCpus = plan.targetCpus;
pinProcess(process.pid, plan.generatorCpus);

async function slice(target: RunningTarget, seconds: number, warmup = 0): Promise<Slice> {
  if (warmup > 0) await measure(target, warmup);
  return measure(target, seconds);
}

async function measure(target: RunningTarget, seconds: number): Promise<Slice> {
  const before = groupCpuSeconds(target.pid) ?? 0;
  const r = await runInProcess({
    baseUrl: target.url,
    scenario: 'pilot',
    target: target.definition.name,
    settings: { model: 'closed', concurrency: 10, durationSeconds: seconds, warmupSeconds: 0 },
    request: () => ({ method: 'GET', path: '/health' }),
  });
  const after = groupCpuSeconds(target.pid) ?? 0;
  return {
    throughput: r.throughput,
    p50: r.latency.p50,
    cpuPerRequestUs: ((after - before) / Math.max(1, r.requests)) * 1e6,
  };
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};
const lag1 = (xs: number[]) => {
  const m = mean(xs);
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    den += ((xs[i] as number) - m) ** 2;
    if (i > 0) num += ((xs[i] as number) - m) * ((xs[i - 1] as number) - m);
  }
  return num / den;
};
const METRICS = ['throughput', 'p50', 'cpuPerRequestUs'] as const;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const name = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'fastify';
  const jsonAt = process.argv.indexOf('--json');
  const lab = await startLab({ fixtures: ['users'] });
  const upstream = await startUpstream();
  const env: TargetEnv = {
    DATABASE_URL: lab.pg.url,
    REDIS_URL: lab.redis.url,
    UPSTREAM_URL: upstream.url,
    LAB_DB_POOL: '10',
  };
  const out: Record<string, unknown> = { target: name, at: new Date().toISOString() };
  const start = () =>
    startTarget(name === 'trivial' ? TRIVIAL : getTarget(name), env, { cpus: targetCpus });
  try {
    // E1
    const one = await start();
    await slice(one, 2);
    const e1: Slice[] = [];
    for (let i = 0; i < 30; i++) e1.push(await slice(one, 1));
    await one.stop();
    out.e1 = e1;
    // E2
    const e2: Slice[][] = [];
    for (let p = 0; p < 8; p++) {
      const t = await start();
      await slice(t, 2);
      const s: Slice[] = [];
      for (let i = 0; i < 4; i++) s.push(await slice(t, 1));
      await t.stop();
      e2.push(s);
      await sleep(200);
    }
    out.e2 = e2;
    // E3
    const a = await start();
    const b = await start();
    await slice(a, 2);
    await slice(b, 2);
    const e3: Array<{ a: Slice; b: Slice }> = [];
    for (let i = 0; i < 20; i++) {
      if (i % 2 === 0) {
        const sa = await slice(a, 1);
        e3.push({ a: sa, b: await slice(b, 1) });
      } else {
        const sb = await slice(b, 1);
        e3.push({ a: await slice(a, 1), b: sb });
      }
    }
    out.e3 = e3;
    // E4
    const driverOf = (t: RunningTarget) =>
      createInProcessDriver({
        baseUrl: t.url,
        settings: { model: 'closed', concurrency: 10, durationSeconds: 0 },
        request: () => ({ method: 'GET', path: '/health' }),
      });
    const sides = [
      { name: 'a', driver: driverOf(a), pid: a.pid },
      { name: 'b', driver: driverOf(b), pid: b.pid },
    ];
    const e4: Array<{ a: Slice; b: Slice }> = [];
    for (let i = 0; i < 20; i++) {
      const block = await runInterleavedBlock({
        sides,
        cycles: 10,
        subSliceSeconds: 0.1,
        rewarmSeconds: 0.02,
        offset: i,
      });
      const slice = (name: string): Slice => {
        const r = block.sides.get(name) as NonNullable<ReturnType<typeof block.sides.get>>;
        return {
          throughput: r.tally.requests / r.tally.elapsedSeconds,
          p50: r.tally.histogram.getValueAtPercentile(50) / 1000,
          cpuPerRequestUs: (r.targetCpuSeconds / Math.max(1, r.tally.requests)) * 1e6,
        };
      };
      e4.push({ a: slice('a'), b: slice('b') });
    }
    for (const side of sides) side.driver.close();
    await a.stop();
    await b.stop();
    out.e4 = e4;

    console.log(`\nnoise pilot, target ${name}, in-process engine, 10 connections, 1-s slices`);
    for (const m of METRICS) {
      const l1 = e1.map((s) => Math.log(s[m]));
      const procMeans = e2.map((s) => mean(s.map((x) => Math.log(x[m]))));
      const within = mean(e2.map((s) => sd(s.map((x) => Math.log(x[m]))) ** 2));
      // Variance of a process mean = between + within/4; the between component alone:
      const between = Math.max(0, sd(procMeans) ** 2 - within / 4);
      const d3 = e3.map((x) => Math.log(x.a[m] / x.b[m]));
      const d4 = e4.map((x) => Math.log(x.a[m] / x.b[m]));
      console.log(
        `${m.padEnd(16)} E1 sd(log) ${pct(sd(l1))}, lag-1 autocorrelation ${lag1(l1).toFixed(2)}, ` +
          `median ${e1
            .map((s) => s[m])
            .sort((x, y) => x - y)[15]
            ?.toFixed(2)} | ` +
          `E2 between-process sd ${pct(Math.sqrt(between))}, within sd ${pct(Math.sqrt(within))} | ` +
          `E3 A/A per-slice log-ratio mean ${pct(mean(d3))}, sd ${pct(sd(d3))} | ` +
          `E4 A/A per-block (100-ms interleaving) mean ${pct(mean(d4))}, sd ${pct(sd(d4))}`,
      );
    }
  } finally {
    await upstream.stop();
    await lab.stop();
  }
  if (jsonAt > 0 && process.argv[jsonAt + 1]) {
    writeFileSync(process.argv[jsonAt + 1] as string, JSON.stringify(out, null, 1));
  }
}

await main();
