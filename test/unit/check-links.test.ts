import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { linkedCheck } from '../../src/issues/check-links.js';
import { parseAuditReport } from '../../src/reports/parser.js';
import { ROOT } from '../support/run-main.js';

const example = parseConfig(
  readFileSync(path.join(ROOT, 'examples', 'audit-bot.yml'), 'utf8'),
  path.join(ROOT, 'examples', 'audit-bot.yml'),
);
const checks = example.probes.map((p) => ({ id: p.id, title: p.title ?? p.id, issue_match: p.issue_match }));

describe('linkedCheck', () => {
  it("links the fixture report's three issues to the fingerprint, DriveSheetsSync and djay checks", () => {
    // examples/plans holds the report of ../shared/fixtures (blank lines aside), as the demo reads it.
    const file = 'AUDIT_FOLLOWUP_REPORT_20260118.md';
    const report = parseAuditReport(readFileSync(path.join(ROOT, 'examples', 'plans', file), 'utf8'), file);
    expect(report.issues.map((issue) => linkedCheck(issue.title, checks))).toEqual([
      'fingerprint-coverage',
      'drivesheets-tests',
      'djay-id-sync',
    ]);
  });

  it('links nothing rather than a wrong or an ambiguous check', () => {
    expect(linkedCheck('[AUDIT] Plans directory has stale files', checks)).toBeUndefined();
    const twins = [
      { id: 'a', title: 'Eagle sync' },
      { id: 'b', title: 'Eagle sync (backup)' },
    ];
    expect(linkedCheck('Eagle sync lagging', twins)).toBeUndefined();
  });

  it("lets a check's issue_match decide, over the word rule", () => {
    const withPattern = [
      ...checks,
      { id: 'dashboard-modules', title: 'Dashboard modules compile', issue_match: 'websocket|metrics' },
    ];
    expect(linkedCheck('Dashboard websocket reconnect storms', withPattern)).toBe('dashboard-modules');
    expect(linkedCheck('[AUDIT] djay Pro ID sync only 70% complete', withPattern)).toBe('djay-id-sync');
  });

  it('refuses an issue_match that is not a regular expression, naming the key', () => {
    expect(() =>
      parseConfig('probes: [{ id: x, kind: push, issue_match: "(unclosed" }]', '/tmp/audit-bot.yml'),
    ).toThrow(/probes\[0\]\.issue_match: must be a valid regular expression/);
  });
});
