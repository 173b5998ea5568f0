import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sweepPlan } from '../src/cli/sweep.ts';
import { REPO_ROOT } from '../src/launcher/registry.ts';
import { loadRunReport } from '../src/report/load.ts';

/** `pnpm lab sweep`: its arguments, and one tiny sweep end to end into a run report. */
const CLI = join(REPO_ROOT, 'src/cli/main.ts');
const root = mkdtempSync(join(tmpdir(), 'lab-cli-sweep-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function lab(args: string[], timeoutMs = 120_000) {
  const { LAB_RUN_ID: _id, GITHUB_STEP_SUMMARY: _s, ...env } = process.env;
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO_ROOT,
      env: { ...env, LAB_INFRA: 'local' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('lab sweep', () => {
  it('sweeps exactly one knob and fixes the others', () => {
    expect(sweepPlan({ vus: '1,2,4', pool: '20' })).toEqual({
      axis: 'vus',
      values: [1, 2, 4],
      fixed: { vus: 10, pool: 20, workers: 1 },
    });
    expect(() => sweepPlan({ vus: '10' })).toThrow(/give one knob a list/);
    expect(() => sweepPlan({ vus: '1,2', pool: '5,10' })).toThrow(/one knob at a time/);
    expect(() => sweepPlan({ pool: '5,x' })).toThrow(/distinct positive integers/);
    expect(() => sweepPlan({ pool: '5,10', workers: '0' })).toThrow(
      /--workers must be a positive integer/,
    );
  });

  it('refuses a worker sweep of a Go target, with exit 2 and one line', async () => {
    const outcome = await lab(['sweep', '--target', 'gin', '--workers', '1,2']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trim()).toMatch(/^lab: gin cannot sweep --workers: no \{workers\}/);
  });

  it('measures fastify at two user counts and writes the sweep into the run report', async () => {
    const out = join(root, 'reports');
    const outcome = await lab([
      'sweep',
      '--target',
      'fastify',
      '--vus',
      '1,8',
      '--budget',
      '2',
      '--duration',
      '0.3',
      '--out',
      out,
    ]);
    expect(outcome.code, outcome.stderr + outcome.stdout).toBe(0);
    expect(outcome.stdout).toMatch(/fastify, vus sweep \(03-db-read\):/);
    expect(outcome.stdout).toMatch(/1 VU → 8 VUs: /);
    const report = loadRunReport(join(out, 'latest.json'));
    const sweep = report.stress?.[0]?.stress;
    expect(sweep?.kind).toBe('sweep');
    if (sweep?.kind !== 'sweep') return;
    expect(sweep.points.map((p) => p.knobs.vus)).toEqual([1, 8]);
    expect(sweep.points.every((p) => p.knobs.pool === 10 && p.knobs.workers === 1)).toBe(true);
    expect(sweep.points.every((p) => p.errors === 0 && p.throughput > 0)).toBe(true);
    expect(sweep.blocks).toBeGreaterThanOrEqual(3);
    expect(existsSync(join(out, 'latest.html'))).toBe(true);
  }, 120_000);
});
