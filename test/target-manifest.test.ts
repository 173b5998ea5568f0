import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCommand } from '../src/launcher/launch.ts';
import { fillPlaceholders, ManifestError, parseManifest } from '../src/launcher/manifest.ts';
import {
  defaultTargetNames,
  discoverTargets,
  getTarget,
  goModuleVersion,
  lockedPythonVersion,
  REPO_ROOT,
  resolveTargetNames,
  TARGETS,
} from '../src/launcher/registry.ts';

const scratch = mkdtempSync(join(tmpdir(), 'lab-manifest-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const MINIMAL = `
name: demo
description: a demo
language: python
runtime: python
framework: flask
version: { pypi: flask, lock: uv.lock }
start: ['{root}/.venv/bin/gunicorn', '--workers', '{workers}', '--bind', '{host}:{port}', 'app:app']
env: { GOMAXPROCS: '{cpuCount}' }
dataLayers:
  sqlalchemy: SQLAlchemy 2
  raw: psycopg
supports: [basic, db]
`;

describe('target manifests', () => {
  it('registers every folder with a manifest, one target per data layer', () => {
    const names = TARGETS.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['express', 'fastify', 'fastify+typeorm']));
    expect(new Set(names).size).toBe(names.length);
    expect(getTarget('fastify+mikroorm')).toMatchObject({
      framework: 'fastify',
      dataLayer: 'mikroorm',
      env: { LAB_DATA_LAYER: 'mikroorm' },
      isDefault: false,
    });
    expect(defaultTargetNames()).toEqual(
      expect.arrayContaining(['express', 'fastify', 'nestjs-express', 'nestjs-fastify']),
    );
  });

  it('discovers a new target from one folder, with defaults filled in', () => {
    const dir = join(scratch, 'targets');
    mkdirSync(join(dir, 'demo'), { recursive: true });
    mkdirSync(join(dir, 'shared-code'), { recursive: true }); // no manifest: not a target
    writeFileSync(join(dir, 'demo', 'target.yaml'), MINIMAL);
    const found = discoverTargets(dir);
    expect(found.map((t) => t.name)).toEqual(['demo', 'demo+raw']);
    expect(found[0]).toMatchObject({ workers: 1, build: null, isDefault: false, adapter: null });
    expect(found[1]?.env).toEqual({ GOMAXPROCS: '{cpuCount}', LAB_DATA_LAYER: 'raw' });
  });

  it('fills placeholders into the start command and environment', () => {
    const dir = join(scratch, 'fill');
    mkdirSync(join(dir, 'demo'), { recursive: true });
    writeFileSync(join(dir, 'demo', 'target.yaml'), MINIMAL);
    const [demo] = discoverTargets(dir);
    const cmd = startCommand(demo as NonNullable<typeof demo>, {
      port: 4321,
      host: '127.0.0.1',
      cpus: '0-1',
      workers: 3,
    });
    expect(cmd.command).toBe(`${REPO_ROOT.replace(/\/$/, '')}/.venv/bin/gunicorn`);
    expect(cmd.args).toEqual(['--workers', '3', '--bind', '127.0.0.1:4321', 'app:app']);
    expect(cmd.env).toEqual({ GOMAXPROCS: '2', LAB_DATA_LAYER: 'sqlalchemy' });
    expect(() => fillPlaceholders('{nope}', {}, 'x')).toThrow(/placeholder \{nope\}/);
  });

  it('refuses a bad manifest, naming the file and every problem', () => {
    const bad = MINIMAL.replace('language: python\n', '').replace(
      'supports: [basic, db]',
      'supports: [basic, soap]',
    );
    expect(() => parseManifest(bad, 'x/target.yaml', 'demo')).toThrow(ManifestError);
    expect(() => parseManifest(bad, 'x/target.yaml', 'demo')).toThrow(
      /x\/target\.yaml: .*language.*supports/s,
    );
    expect(() => parseManifest(MINIMAL, 'y/target.yaml', 'other')).toThrow(
      /must be the folder's name \(other\)/,
    );
    expect(() => parseManifest('name: [', 'z/target.yaml', 'demo')).toThrow(/not valid YAML/);
  });

  it('accepts the groups of scenarios 14–19, and refuses flow without auth', () => {
    const groups = (list: string) =>
      MINIMAL.replace('supports: [basic, db]', `supports: [${list}]`);
    const all = parseManifest(
      groups('basic, db, cache, auth, aggregate, search, flow'),
      'x/target.yaml',
      'demo',
    );
    expect(all.supports).toEqual(['basic', 'db', 'cache', 'auth', 'aggregate', 'search', 'flow']);
    expect(() => parseManifest(groups('basic, flow'), 'x/target.yaml', 'demo')).toThrow(
      /x\/target\.yaml: supports flow needs auth too/,
    );
  });

  it('resolves groups and refuses unknown names listing the valid ones', () => {
    expect(resolveTargetNames(['default'])).toEqual(defaultTargetNames());
    expect(resolveTargetNames(['typescript'])).toEqual(
      TARGETS.filter((t) => t.language === 'typescript' && !t.name.includes('+')).map(
        (t) => t.name,
      ),
    );
    expect(resolveTargetNames(['all'])).toHaveLength(TARGETS.length);
    expect(() => resolveTargetNames(['fastfy'])).toThrow(
      /Unknown target "fastfy"\. Valid targets: .*express/,
    );
  });

  it('reads framework versions from uv.lock and go.mod', () => {
    const lock = join(scratch, 'uv.lock');
    writeFileSync(
      lock,
      'version = 1\n\n[[package]]\nname = "fastapi"\nversion = "0.165.0"\nsource = { registry = "x" }\n\n[[package]]\nname = "flask"\nversion = "3.1.2"\n',
    );
    expect(lockedPythonVersion(lock, 'Flask')).toBe('3.1.2');
    expect(lockedPythonVersion(lock, 'fastapi')).toBe('0.165.0');
    expect(lockedPythonVersion(lock, 'django')).toBe('unknown');
    const mod = join(scratch, 'go.mod');
    writeFileSync(
      mod,
      'module lab/gin\n\ngo 1.26\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.12.0\n\tgithub.com/jackc/pgx/v5 v5.13.0\n)\n',
    );
    expect(goModuleVersion(mod, 'github.com/gin-gonic/gin')).toBe('v1.12.0');
    expect(goModuleVersion(mod, 'github.com/jackc/pgx/v5')).toBe('v5.13.0');
  });
});
