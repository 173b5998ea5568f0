import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compileContractSchema,
  contractSchemas,
  contractValidators,
  createContractAjv,
} from '../src/conformance/schemas.ts';
import {
  contractPath,
  loadContract,
  loadEchoPayload,
  loadUpstreamPayload,
} from '../src/contract/index.ts';

const doc = loadContract();
const prose = readFileSync(new URL('../docs/contract.md', import.meta.url), 'utf8');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function operations() {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method];
      return operation ? [{ path, method, operation }] : [];
    }),
  );
}

describe('the OpenAPI contract', () => {
  it('parses as OpenAPI 3.1 and is cached', () => {
    expect(contractPath).toMatch(/openapi\.yaml$/);
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(loadContract()).toBe(doc);
  });

  it('compiles every schema it contains with Ajv (JSON Schema 2020-12, strict)', () => {
    const ajv = createContractAjv(doc);
    const schemas = contractSchemas(doc);
    expect(schemas.length).toBeGreaterThan(30);
    const broken = schemas.flatMap(({ where, schema }) => {
      try {
        compileContractSchema(ajv, schema);
        return [];
      } catch (error) {
        return [`${where}: ${(error as Error).message}`];
      }
    });
    expect(broken).toEqual([]);
  });

  it('has exactly the endpoints docs/contract.md describes, each tagged with a scenario', () => {
    const endpoints = operations().map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(endpoints.sort()).toEqual(
      [
        'GET /health',
        'GET /meta',
        'POST /echo',
        'GET /users',
        'POST /users',
        'GET /users/{id}',
        'GET /external',
        'GET /protected',
        'POST /upload',
        'GET /db/users/offset',
        'GET /db/users/keyset',
        'GET /db/users/cursor',
        'GET /db/columns/{shape}',
        'GET /db/types/{type}',
        'GET /db/authors',
        'POST /db/bulk/insert',
        'POST /db/bulk/update',
        'POST /db/products/{id}/decrement',
        'GET /cache/users/{id}',
        'PATCH /cache/users/{id}',
        'POST /cache/users/warm',
        'POST /cache/users/flush',
        'GET /cache/info',
        'GET /auth/public',
        'POST /auth/jwt/login',
        'GET /auth/jwt/me',
        'POST /auth/session/login',
        'GET /auth/session/me',
        'POST /auth/session/logout',
        'GET /db/aggregate/count',
        'GET /db/aggregate/orders-by/{dimension}',
        'GET /db/aggregate/top-authors',
        'GET /db/search',
        'GET /flow/posts',
        'GET /flow/posts/{id}',
        'PATCH /flow/posts/{id}',
      ].sort(),
    );
    for (const endpoint of endpoints) expect(prose).toContain(endpoint);
    const tags = new Set(doc.tags?.map((tag) => tag.name));
    for (const scenario of [
      '01',
      '02',
      '03',
      '04',
      '05',
      '06',
      '07',
      '08',
      '09',
      '10',
      '11',
      '12',
      '13',
      '14',
      '15',
      '16',
      '17',
      '18',
      '19',
    ]) {
      expect([...tags].some((tag) => tag.startsWith(`${scenario}-`))).toBe(true);
    }
    for (const { operation } of operations()) {
      expect(operation.tags?.length).toBeGreaterThan(0);
      for (const tag of operation.tags ?? []) expect(tags).toContain(tag);
    }
  });

  it('names the contract group of every scenario 14–19 operation (x-contract-group)', () => {
    const groups = new Set(['cache', 'auth', 'aggregate', 'search', 'flow']);
    for (const { path, method, operation } of operations()) {
      const group = (operation as { 'x-contract-group'?: string })['x-contract-group'];
      const scenarios = (operation.tags ?? [])
        .map((tag) => Number(tag.slice(0, 2)))
        .filter(Number.isFinite);
      if (scenarios.some((n) => n >= 14) || group !== undefined) {
        expect(groups.has(group ?? ''), `${method} ${path}: ${group}`).toBe(true);
        expect(prose, `${method} ${path}`).toContain(`\`${group}\``);
      }
    }
  });

  it('has the error codes of the docs table, one per status', () => {
    const rows = [...prose.matchAll(/^\|\s*(\d{3})\s*\|\s*`(\w+)`\s*\|/gm)].map(
      ([, status, code]) => ({
        status: Number(status),
        code,
      }),
    );
    expect(rows.length).toBe(11);
    expect(doc.components.schemas.ErrorCode?.enum).toEqual(rows.map((row) => row.code));
    // Every documented non-2xx response accepts a code of its status's row(s), never another's.
    const validators = contractValidators(doc);
    for (const { path, method, operation } of operations()) {
      for (const status of Object.keys(operation.responses).map(Number)) {
        if (status < 400) continue;
        const validator = validators.response(method, path, status);
        const accepted = rows.filter(
          ({ code }) => validator?.validate({ error: { code, message: 'text' } }).length === 0,
        );
        expect(accepted.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
        for (const row of accepted)
          expect(row.status, `${method} ${path} ${row.code}`).toBe(status);
      }
    }
  });

  it('bounds the parameters as the docs say', () => {
    const { parameters = {} } = doc.components;
    expect(parameters.Limit?.schema).toMatchObject({ minimum: 1, maximum: 100, default: 20 });
    expect(parameters.Offset?.schema).toMatchObject({
      minimum: 0,
      maximum: 10_000_000,
      default: 0,
    });
    expect(parameters.UserId?.schema).toMatchObject({ minimum: 1, maximum: 2_147_483_647 });
    expect(doc.components.schemas.NewUser).toMatchObject({
      required: ['name', 'email'],
      additionalProperties: false,
    });
  });

  it('protects /protected with a bearer JWT', () => {
    expect(doc.components.securitySchemes?.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(doc.paths['/protected']?.get?.security).toEqual([{ bearerAuth: [] }]);
    const validators = contractValidators(doc);
    const [header] = validators.headers('get', '/protected', 401);
    expect(header?.name).toBe('WWW-Authenticate');
    expect(header?.validator.validate('Bearer')).toEqual([]);
    expect(header?.validator.validate('Basic')).not.toEqual([]);
  });

  it('reports schema violations as readable lines', () => {
    const validate = contractValidators(doc).component('User').validate;
    expect(
      validate({ id: '1', name: 'A', email: 'a@example.com', createdAt: 'yesterday', x: 1 }),
    ).toEqual([
      '(root) has unexpected property "x"',
      '/id must be integer (received "1")',
      '/createdAt must match format "date-time" (received "yesterday")',
    ]);
  });
});

describe('the fixed payloads', () => {
  it('echo payload: a JSON object of 2–8 KB that the contract accepts', () => {
    const payload = loadEchoPayload();
    expect(typeof payload).toBe('object');
    expect(Array.isArray(payload)).toBe(false);
    const bytes = Buffer.byteLength(JSON.stringify(payload));
    expect(bytes).toBeGreaterThanOrEqual(2 * 1024);
    expect(bytes).toBeLessThanOrEqual(8 * 1024);
    expect(contractValidators(doc).response('post', '/echo', 200)?.validate(payload)).toEqual([]);
  });

  it('upstream payload: what GET /external documents', () => {
    const payload = loadUpstreamPayload();
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThan(1024);
    expect(contractValidators(doc).response('get', '/external', 200)?.validate(payload)).toEqual(
      [],
    );
  });
});
