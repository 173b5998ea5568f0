import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startCommand } from '../launcher/launch.ts';
import { REPO_ROOT, TARGETS, type TargetDefinition } from '../launcher/registry.ts';
import type { Check } from './doctor.ts';

/**
 * `lab doctor`'s row for the Python targets: uv is there, `.venv` matches uv.lock (`uv sync
 * --frozen --check`, offline), and each Python target's application imports in it. Nothing is
 * installed or started: imports run with a placeholder configuration (no database is contacted;
 * the targets connect when they serve, not when they are imported).
 */

export const PYTHON_FIX =
  'bash scripts/setup.sh (installs uv, then `uv sync --frozen` from uv.lock)';

/** `module:attribute` of a server's command line, or a script's module. */
const APP_SPEC = /^[A-Za-z_][\w.]*:[A-Za-z_]\w*$/;

/** What a target's start command serves, as something Python can import. */
export function importSpec(target: TargetDefinition): string | undefined {
  const spec = target.start.find((part) => APP_SPEC.test(part));
  if (spec) return spec;
  const script = target.start.find((part) => /^[\w-]+\.py$/.test(part));
  return script?.replace(/\.py$/, '');
}

const IMPORT = `
import importlib, sys
module, _, attribute = sys.argv[1].partition(":")
loaded = importlib.import_module(module)
if attribute:
    getattr(loaded, attribute)
`;

/** The error's last line (Python's traceback ends with the exception). */
function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((line) => line.trim())
      .at(-1) ?? ''
  ).trim();
}

async function importProblem(
  target: TargetDefinition,
  python: string,
): Promise<string | undefined> {
  const spec = importSpec(target);
  if (!spec) return `${target.name}: no module:attribute or .py script in its start command`;
  const { cwd, env } = startCommand(target, { port: 8000, host: '127.0.0.1' });
  try {
    await promisify(execFile)(python, ['-c', IMPORT, spec], {
      cwd,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        ...env,
        // A configuration that reads as valid; nothing connects at import time.
        PORT: '8000',
        HOST: '127.0.0.1',
        DATABASE_URL: 'postgres://doctor@127.0.0.1:9/doctor',
        UPSTREAM_URL: 'http://127.0.0.1:9',
      },
    });
    return undefined;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    return `${target.name} (${spec}): ${lastLine(stderr ?? '') || message}`;
  }
}

export async function pythonEnvironmentCheck(
  targets: readonly TargetDefinition[] = TARGETS,
  root: string = REPO_ROOT,
): Promise<Check | undefined> {
  // One row per framework, not per data layer variant.
  const python = targets.filter((t) => t.language === 'python' && !t.name.includes('+'));
  if (python.length === 0) return undefined;
  const base = { component: 'Python targets', required: false } as const;
  const absent = (detail: string): Check => ({
    ...base,
    status: 'absent',
    detail,
    fix: PYTHON_FIX,
  });
  const names = python.map((t) => t.name).join(', ');

  const uv = spawnSync('uv', ['--version'], { encoding: 'utf8', timeout: 15_000 });
  if (uv.error || uv.status !== 0) {
    return absent(`uv not found: ${names} cannot run (optional: the default targets are Node's)`);
  }
  const uvVersion = `${uv.stdout}`.trim();
  const interpreter = join(root, '.venv/bin/python');
  if (!existsSync(interpreter)) return absent(`${uvVersion}, but no .venv: ${names} cannot run`);
  const sync = spawnSync('uv', ['sync', '--frozen', '--check'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, UV_PYTHON_DOWNLOADS: 'never', UV_OFFLINE: '1' },
  });
  if (sync.error || sync.status !== 0) {
    const why = lastLine(`${sync.stderr ?? ''}${sync.stdout ?? ''}`) || `exit ${sync.status}`;
    return absent(`.venv does not match uv.lock (${why})`);
  }
  // Side by side: each import is a Python start-up plus the framework's modules.
  const problems = (await Promise.all(python.map((t) => importProblem(t, interpreter)))).filter(
    (p) => p !== undefined,
  );
  if (problems.length > 0) return absent(`does not import: ${problems.join('; ')}`);
  const version = spawnSync(
    interpreter,
    ['-c', 'import platform; print(platform.python_version())'],
    {
      encoding: 'utf8',
    },
  );
  return {
    ...base,
    status: 'ok',
    detail: `${uvVersion}; .venv (Python ${`${version.stdout}`.trim()}) matches uv.lock; ${names} import`,
  };
}
