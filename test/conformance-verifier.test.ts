import { afterEach, describe, expect, it } from 'vitest';
import {
  assertConformant,
  CHECKS,
  ConformanceError,
  type ConformanceReport,
  formatReport,
  verifyTarget,
} from '../src/conformance/index.ts';
import { freePort } from '../src/infra/ports.ts';
import { type FakeTarget, type Fault, startFakeTarget } from './support/fake-targets.ts';

// Small limits keep the broken variants quick; the reference runs with the defaults.
const LIMIT = 256 * 1024;

const running: FakeTarget[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((target) => target.close()));
});

async function verifyFake(fault: Fault, timeoutMs = 5_000): Promise<ConformanceReport> {
  const target = await startFakeTarget({ faults: [fault], uploadLimitBytes: LIMIT });
  running.push(target);
  return verifyTarget(target.url, { uploadLimitBytes: LIMIT, timeoutMs });
}

function failure(report: ConformanceReport, id: string) {
  const found = report.failed.find((check) => check.id === id);
  expect(found, `${id} should fail; report:\n${formatReport(report)}`).toBeDefined();
  return found as NonNullable<typeof found>;
}

describe('verifyTarget', () => {
  it('passes a correct target on every check, with stable unique ids', async () => {
    const target = await startFakeTarget();
    running.push(target);
    const report = await verifyTarget(`${target.url}/`);
    expect(report.failed, formatReport(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.baseUrl).toBe(target.url);
    expect(report.passed.map((check) => check.id)).toEqual(CHECKS.map((check) => check.id));
    expect(new Set(CHECKS.map((check) => check.id)).size).toBe(CHECKS.length);
    for (const check of report.passed) {
      expect(check.id).toMatch(/^[a-z]+(\.[a-z0-9-]+)+$/);
      expect(check.status).toBe('pass');
      expect(check.description.length).toBeGreaterThan(10);
    }
    expect(formatReport(report)).toContain(`${CHECKS.length}/${CHECKS.length} checks passed`);
  });

  it('rejects POST /users answering 200 instead of 201', async () => {
    const report = await verifyFake('create-answers-200');
    expect(report.ok).toBe(false);
    expect(failure(report, 'users.create.ok').detail).toMatch(/expected status 201, received 200/);
    // Only what depends on it fails with it.
    expect(report.failed.map((check) => check.id).sort()).toEqual([
      'users.create.ok',
      'users.create.read-back',
    ]);
  });

  it('rejects users that violate the User schema (createdAt, id type)', async () => {
    const report = await verifyFake('user-violates-schema');
    const detail = failure(report, 'users.get.ok').detail;
    expect(detail).toMatch(/expected a body matching GET \/users\/\{id\} 200 \(User\)/);
    expect(detail).toContain('/createdAt must match format "date-time" (received "yesterday")');
    expect(detail).toContain('/id must be integer (received "1")');
    expect(failure(report, 'users.list.default').detail).toMatch(/UsersPage/);
    expect(failure(report, 'users.create.ok').detail).toMatch(/POST \/users 201 \(User\)/);
  });

  it('rejects a target that accepts a duplicate email', async () => {
    const report = await verifyFake('duplicate-email-accepted');
    expect(report.failed.map((check) => check.id)).toEqual(['users.create.duplicate-email-409']);
    expect(failure(report, 'users.create.duplicate-email-409').detail).toMatch(
      /expected status 409, received 201/,
    );
  });

  it('rejects a target that dies after malformed JSON, and keeps checking', async () => {
    const report = await verifyFake('dies-after-malformed-json');
    const passedIds = report.passed.map((check) => check.id);
    expect(passedIds).toContain('echo.malformed-json-400');
    expect(passedIds).toContain('health.ok');
    const detail = failure(report, 'robustness.health-after-bad-input').detail;
    expect(detail).toMatch(/expected a response, received none: GET \/health: .*ECONNREFUSED/);
    // Every check after the crash ran (and failed) rather than aborting the run.
    expect(report.passed.length + report.failed.length).toBe(CHECKS.length);
  });

  it('refuses a target whose multipart parser takes it down on malformed part headers', async () => {
    const report = await verifyFake('dies-on-malformed-multipart');
    expect(report.ok).toBe(false);
    expect(report.passed.map((check) => check.id)).toContain('upload.ok');
    expect(failure(report, 'upload.malformed-part-headers-400').detail).toMatch(
      /expected GET \/health to answer after malformed part headers \(answered by a closed connection\), received none: .*ECONNREFUSED/,
    );
    expect(failure(report, 'robustness.health-after-bad-input').detail).toMatch(/ECONNREFUSED/);
  });

  it('reports a hanging /health as a timed-out request', async () => {
    const report = await verifyFake('health-hangs-after-errors', 500);
    // Every check that asks for /health after bad input fails, and nothing else.
    expect(report.failed.map((check) => check.id)).toEqual([
      'upload.malformed-part-headers-400',
      'upload.truncated-form-400',
      'upload.wrong-boundary-400',
      'upload.missing-boundary-400',
      'upload.plain-field-400',
      'upload.extra-part-400',
      'upload.huge-part-header',
      'upload.client-abort',
      'upload.slow-body',
      'http.huge-request-head',
      'robustness.health-after-bad-input',
    ]);
    expect(failure(report, 'robustness.health-after-bad-input').detail).toMatch(
      /expected a response, received none: GET \/health: .*(timeout|aborted)/i,
    );
  });

  it('rejects 401s without WWW-Authenticate', async () => {
    const report = await verifyFake('no-www-authenticate');
    expect(report.failed.length).toBe(8);
    for (const check of report.failed) {
      expect(check.id).toMatch(/^protected\..*-401$/);
      expect(check.detail).toBe('expected a WWW-Authenticate header, received none');
    }
  });

  it('rejects a target that accepts an expired token', async () => {
    const report = await verifyFake('expired-token-accepted');
    expect(report.failed.map((check) => check.id)).toEqual(['protected.expired-token-401']);
    expect(failure(report, 'protected.expired-token-401').detail).toMatch(
      /expected status 401, received 200/,
    );
  });

  it('rejects error responses that are not JSON', async () => {
    const report = await verifyFake('errors-as-text');
    const detail = failure(report, 'users.create.duplicate-email-409').detail;
    expect(detail).toMatch(/expected Content-Type application\/json, received "text\/plain"/);
    expect(detail).toMatch(/expected a JSON body, received "email already exists"/);
    expect(failure(report, 'upload.too-large-413').detail).toMatch(/text\/plain/);
    expect(report.passed.map((check) => check.id)).toContain('users.create.ok');
  });

  it('fails every check, without throwing, when nothing listens', async () => {
    const report = await verifyTarget(`http://127.0.0.1:${await freePort()}`, { timeoutMs: 2_000 });
    expect(report.passed).toEqual([]);
    expect(report.failed.length).toBe(CHECKS.length);
    for (const check of report.failed) expect(check.detail).toMatch(/received none|expected/);
  });
});

describe('assertConformant', () => {
  it('returns the report for a conformant target', async () => {
    const target = await startFakeTarget({ uploadLimitBytes: LIMIT });
    running.push(target);
    const report = await assertConformant(target.url, { uploadLimitBytes: LIMIT });
    expect(report.ok).toBe(true);
  });

  it('throws ConformanceError naming the failing checks and their details', async () => {
    const target = await startFakeTarget({
      faults: ['create-answers-200', 'duplicate-email-accepted'],
      uploadLimitBytes: LIMIT,
    });
    running.push(target);
    const error = await assertConformant(target.url, { uploadLimitBytes: LIMIT }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConformanceError);
    const conformance = error as ConformanceError;
    expect(conformance.failedIds.sort()).toEqual([
      'users.create.duplicate-email-409',
      'users.create.ok',
      'users.create.read-back',
    ]);
    expect(conformance.message).toContain(`${target.url} does not implement the contract`);
    expect(conformance.message).toContain('- users.create.ok: expected status 201, received 200');
    expect(conformance.message).toContain(
      '- users.create.duplicate-email-409: expected status 409',
    );
    expect(conformance.report.ok).toBe(false);
  });

  it('checks tokens against the secret it is given', async () => {
    const target = await startFakeTarget({ authSecret: 'another-secret', uploadLimitBytes: LIMIT });
    running.push(target);
    const wrong = await verifyTarget(target.url, { uploadLimitBytes: LIMIT });
    expect(wrong.failed.map((check) => check.id)).toEqual([
      'protected.ok',
      'protected.logged-grows',
    ]);
    const right = await verifyTarget(target.url, {
      uploadLimitBytes: LIMIT,
      authSecret: 'another-secret',
    });
    expect(right.ok).toBe(true);
  });
});

describe('formatReport', () => {
  it('lists the failures with their details', async () => {
    const report = await verifyFake('duplicate-email-accepted');
    const text = formatReport(report);
    expect(text).toContain(`${CHECKS.length - 1}/${CHECKS.length} checks passed, 1 failed`);
    expect(text).toContain('✗ users.create.duplicate-email-409 — POST /users with an email');
    expect(text).toContain('expected status 409, received 201');
  });
});
