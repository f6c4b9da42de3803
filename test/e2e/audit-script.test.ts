import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/**
 * scripts/audit.sh (`make audit`, run by CI) on reports in npm audit's JSON form: this machine's registry has no
 * audit service, so the reports are written here as `npm audit --omit=dev --json` writes them.
 */
const dir = mkdtempSync(join(tmpdir(), 'td-audit-'));
function audit(report: unknown, env: Record<string, string> = {}) {
  const file = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(report));
  return spawnSync('bash', ['scripts/audit.sh'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', AUDIT_REPORT: file, ...env },
  });
}
const counts = (high: number, critical: number, moderate = 0) => ({
  auditReportVersion: 2,
  vulnerabilities:
    high || critical
      ? { 'some-lib': { name: 'some-lib', severity: critical ? 'critical' : 'high', range: '<1.2.3' } }
      : {},
  metadata: { vulnerabilities: { info: 0, low: 0, moderate, high, critical, total: high + critical + moderate } },
});

describe('make audit (scripts/audit.sh)', () => {
  it('fails on a high or a critical advisory and names it', () => {
    for (const report of [counts(1, 0), counts(0, 1)]) {
      const r = audit(report);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/audit: (high|critical): some-lib <1\.2\.3/);
    }
  });

  it('passes with moderate advisories only, and with none', () => {
    expect(audit(counts(0, 0, 3)).status).toBe(0);
    expect(audit(counts(0, 0)).status).toBe(0);
  });

  it('fails when the audit service gave no report, unless AUDIT_UNAVAILABLE=warn says to go on', () => {
    const refused = { error: { code: 'ENOAUDIT', summary: 'audit endpoint returned an error' } };
    const strict = audit(refused);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/could not be audited/);
    const lenient = audit(refused, { AUDIT_UNAVAILABLE: 'warn' });
    expect(lenient.status).toBe(0);
    expect(lenient.stderr).toMatch(/NOT audited/);
  });
});
