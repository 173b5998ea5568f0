import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/launcher/registry.ts';
import { loadRunReport } from '../src/report/load.ts';
import { eventually, isRunning, privateScratchRoot } from './support/servers.ts';

/**
 * The benchmark suites end to end, as `pnpm bench` runs them (a `vitest bench` child process),
 * in the smallest configuration: the scenario 01 ranking of two targets (in-process engine), the
 * scenario 11 HTTP rankings through k6 (targets started once for the three variants), and the 09
 * pagination claim. Then the same run SIGKILLed mid-measurement must leave no process and no temp dir.
 * Processes are recognised by a marker variable in their environment (every server, target and
 * k6 inherits it), temp dirs by a private LAB_TMPDIR.
 */
const VITEST = join(REPO_ROOT, 'node_modules/vitest/vitest.mjs');

interface BenchChild {
  marker: string;
  scratch: string;
  reports: string;
  done: Promise<{ code: number | null; output: string }>;
  pid: number;
  output: () => string;
}

const scratchRoots: string[] = [];

function startBench(files: string[], label: string, extra: string[] = []): BenchChild {
  const marker = randomUUID();
  const scratch = privateScratchRoot(label);
  const reports = join(scratch, 'reports');
  scratchRoots.push(scratch);
  // CI would make the child write reports/vitest.json over the parent's; it is not the parent.
  const { CI: _ci, VITEST: _v, VITEST_WORKER_ID: _w, VITEST_POOL_ID: _p, ...env } = process.env;
  const child = spawn(process.execPath, [VITEST, 'bench', '--run', ...extra, ...files], {
    cwd: REPO_ROOT,
    env: {
      ...env,
      LAB_BENCH_MARKER: marker,
      LAB_TMPDIR: scratch,
      LAB_REPORTS_DIR: reports,
      LAB_QUICK: '1',
      LAB_SLICE: '0.5',
      LAB_BUDGET: '6',
      // Quick runs leave the per-variant HTTP rankings out unless asked for.
      LAB_VARIANT_HTTP: '1',
      LAB_TARGETS: 'fastify,express',
      LAB_INFRA: 'local',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-40_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const done = new Promise<{ code: number | null; output: string }>((resolve) => {
    child.once('exit', (code) => resolve({ code, output }));
  });
  return { marker, scratch, reports, done, pid: child.pid as number, output: () => output };
}

/** Live processes whose environment carries the marker. */
function markedProcesses(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(`LAB_BENCH_MARKER=${marker}`)) {
        if (isRunning(Number(entry))) pids.push(Number(entry));
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** What is left in the private scratch root besides the reports dir. */
const leftovers = (child: BenchChild): string[] =>
  readdirSync(child.scratch).filter((name) => name !== 'reports');

afterAll(() => {
  for (const root of scratchRoots) rmSync(root, { recursive: true, force: true });
});

describe('benchmark suites end to end', () => {
  it('runs the 01 and 11 rankings and the 09 claim, and writes a loadable report', async () => {
    const child = startBench(
      ['bench/basic/01', 'bench/db-advanced/http-11', 'bench/db-advanced/09-pagination.bench'],
      'bench-e2e',
      // One variant of 11 is enough to show the k6 path (and keeps pnpm test short).
      ['-t', 'lightweight|lazy|cursor'],
    );
    const { code, output } = await child.done;
    expect(code, output).toBe(0);
    expect(output).toMatch(/\[lab\] 3\/3 done/);
    const reportFile = readdirSync(child.reports).find((name) => /^run-.*\.json$/.test(name));
    expect(reportFile, output).toBeDefined();
    const report = loadRunReport(join(child.reports, reportFile as string));
    const lightweight = report.results
      .map((stored) => stored.result)
      .filter((r) => r.scenario === '01-lightweight');
    expect([...new Set(lightweight.map((r) => r.target))].sort()).toEqual(['express', 'fastify']);
    for (const result of lightweight) {
      expect(result.failure).toBeUndefined();
      expect(result.requests).toBeGreaterThan(0);
      expect(result.resources?.samples.length).toBeGreaterThan(0);
      expect(result.meta['target.pid']).toBeTypeOf('number');
    }
    const rankings = (report.rankings ?? []).map((r) => r.ranking);
    // vitest orders files by their previous durations: compare as sets.
    expect(rankings.map((r) => `${r.scenario}${r.variant ? ` ${r.variant}` : ''}`).sort()).toEqual([
      '01-lightweight',
      '11-db-n-plus-one lazy',
    ]);
    const basic = rankings.find((r) => r.scenario === '01-lightweight');
    // Quick runs rank throughput only, on processes kept for the ranking, with 10% margins.
    expect(basic?.families.map((f) => f.phase)).toEqual(['throughput']);
    const fastify = lightweight.filter((r) => r.target === 'fastify');
    expect(new Set(fastify.map((r) => r.meta['target.pid'])).size).toBe(1);
    expect(basic?.engine).toBe('inprocess');
    expect(rankings.find((r) => r.variant === 'lazy')?.engine).toBe('inprocess');
    expect(report.comparisons.map((c) => c.claim?.status)).toEqual(['passed']);
    // The run's α is shared by the three verdict suites.
    expect(report.errorControl?.suites).toBe(3);
    const md = readFileSync(join(child.reports, 'latest.md'), 'utf8');
    expect(md.indexOf('## Answers')).toBeLessThan(md.indexOf('## 01-lightweight'));
    expect(markedProcesses(child.marker)).toEqual([]);
    expect(leftovers(child)).toEqual([]);
  }, 300_000);

  it('a run SIGKILLed mid-measurement leaves no process and no temp dir', async () => {
    const child = startBench(['bench/basic/01'], 'bench-kill');
    // Wait until the ranking's blocks are being measured, then kill the runner outright.
    const measuring = await eventually(
      () => /throughput: up to \d+ blocks/.test(child.output()),
      120_000,
    );
    expect(measuring, child.output()).toBe(true);
    await sleep(500);
    expect(markedProcesses(child.marker).length).toBeGreaterThan(2);
    process.kill(child.pid, 'SIGKILL');
    await child.done;
    const clean = await eventually(
      () => markedProcesses(child.marker).length === 0 && leftovers(child).length === 0,
      15_000,
    );
    expect(
      { processes: markedProcesses(child.marker), dirs: leftovers(child) },
      child.output(),
    ).toEqual({ processes: [], dirs: [] });
    expect(clean).toBe(true);
  }, 240_000);
});
