import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importSpec, PYTHON_FIX, pythonEnvironmentCheck } from '../src/cli/doctor-python.ts';
import { getTarget, REPO_ROOT, TARGETS, type TargetDefinition } from '../src/launcher/registry.ts';

/** `lab doctor`'s Python row: uv, .venv in sync with uv.lock, every Python target importable. */

const PYTHON = TARGETS.filter((t) => t.language === 'python');
const scratch = mkdtempSync(join(tmpdir(), 'doctor-python-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A Python target like the real ones, served from a scratch folder. */
function scratchTarget(name: string, module: string, source: string): TargetDefinition {
  writeFileSync(join(scratch, `${module}.py`), source);
  return {
    ...getTarget('flask'),
    name,
    folder: relative(REPO_ROOT, scratch),
    start: ['{root}/.venv/bin/gunicorn', `${module}:app`],
    env: {},
  };
}

describe('lab doctor: Python targets', () => {
  it('finds what each Python target serves in its start command', () => {
    expect(PYTHON.length).toBeGreaterThanOrEqual(4);
    for (const target of PYTHON) expect(importSpec(target), target.name).toMatch(/^[\w.]+(:\w+)?$/);
    expect(importSpec(getTarget('flask'))).toBe('wsgi:app');
    expect(importSpec(getTarget('fastapi'))).toBe('serve');
  });

  it('is ok here: uv, .venv matching uv.lock, every Python target importing', async () => {
    const check = await pythonEnvironmentCheck();
    expect(check?.status, check?.detail).toBe('ok');
    for (const target of PYTHON) expect(check?.detail).toContain(target.name);
    expect(check?.detail).toMatch(/matches uv\.lock/);
  }, 120_000);

  it('names a target that does not import, with the fix', async () => {
    const broken = scratchTarget(
      'broken-py',
      'broken_app',
      'import no_such_module_anywhere\napp = 1\n',
    );
    const fine = scratchTarget('fine-py', 'fine_app', 'app = object()\n');
    const check = await pythonEnvironmentCheck([broken, fine]);
    expect(check).toMatchObject({ status: 'absent', required: false, fix: PYTHON_FIX });
    expect(check?.detail).toContain('broken-py (broken_app:app)');
    expect(check?.detail).toContain("No module named 'no_such_module_anywhere'");
    expect(check?.detail).not.toContain('fine-py');
  }, 60_000);

  it('reports a missing environment', async () => {
    const check = await pythonEnvironmentCheck(PYTHON, scratch);
    expect(check).toMatchObject({ status: 'absent', fix: PYTHON_FIX });
    expect(check?.detail).toMatch(/no \.venv/);
  });

  it('has no row without Python targets', async () => {
    expect(
      await pythonEnvironmentCheck(TARGETS.filter((t) => t.language !== 'python')),
    ).toBeUndefined();
  });
});
