export interface CheckResult {
  /** Stable id, e.g. `users.create.duplicate-email-409`: tests and CI logs refer to it. */
  id: string;
  description: string;
  status: 'pass' | 'fail';
  /** For failures: what was expected and what was received. */
  detail?: string;
}

export interface ConformanceReport {
  baseUrl: string;
  passed: CheckResult[];
  failed: CheckResult[];
  ok: boolean;
}

/** A multi-line summary: the failures in full, the passes as a count. */
export function formatReport(report: ConformanceReport): string {
  const total = report.passed.length + report.failed.length;
  const lines = [
    `Conformance of ${report.baseUrl}: ${report.passed.length}/${total} checks passed` +
      (report.ok ? '' : `, ${report.failed.length} failed`),
  ];
  for (const check of report.failed) {
    lines.push(`  ✗ ${check.id} — ${check.description}`);
    if (check.detail) lines.push(...check.detail.split('\n').map((line) => `      ${line}`));
  }
  return lines.join('\n');
}

/** Thrown by assertConformant: the benchmark runner refuses a target that does not conform. */
export class ConformanceError extends Error {
  readonly report: ConformanceReport;
  readonly failedIds: string[];

  constructor(report: ConformanceReport) {
    super(
      `${report.baseUrl} does not implement the contract (${report.failed.length} failed checks):\n` +
        report.failed
          .map((check) => `- ${check.id}: ${check.detail ?? check.description}`)
          .join('\n'),
    );
    this.name = 'ConformanceError';
    this.report = report;
    this.failedIds = report.failed.map((check) => check.id);
  }
}
