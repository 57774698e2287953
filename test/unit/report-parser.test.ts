import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findNewestReport } from '../../src/reports/files.js';
import { MAX_LINE_CHARS, parseAuditReport, taskState } from '../../src/reports/parser.js';
import { ROOT } from '../support/run-main.js';

const FIXTURE = readFileSync(
  path.join(ROOT, 'examples', 'plans', 'AUDIT_FOLLOWUP_REPORT_20260118.md'),
  'utf8',
);

describe('parseAuditReport on impossible dates', () => {
  it('reads a day that does not exist as no date, not another day, and never throws', () => {
    for (const written of ['2026-13-45', '2026-02-31 10:00', '2026-02-30T08:00 UTC', '2026-01-18 25:00']) {
      const report = parseAuditReport(`# Audit\n**Generated:** ${written}\n`, 'odd.md');
      expect(report.generatedAt, written).toBeUndefined();
    }
    expect(parseAuditReport('# Audit\n**Generated:** 2028-02-29\n', 'leap.md').generatedAt).toBe(
      '2028-02-29T00:00:00.000Z',
    );
  });
});

describe('parseAuditReport on the real report', () => {
  const report = parseAuditReport(FIXTURE, 'AUDIT_FOLLOWUP_REPORT_20260118.md');

  it('reads the title, time and source audit', () => {
    expect(report.title).toBe('Audit Follow-Up Actions Report');
    expect(report.generatedAt).toBe('2026-01-18T10:30:00.000Z');
    expect(report.sourceAudit).toBe('PLANS_AUDIT_REPORT_20260118_101500.md');
    expect(report.warnings).toEqual([]);
  });

  it('reads the Overall Status table; ⏳ means not finished whatever the word', () => {
    expect(report.tasks).toEqual([
      { title: 'Verify new modules', status: 'Complete', state: 'done', notes: 'Syntax valid' },
      {
        title: 'DriveSheetsSync tests',
        status: 'Documented',
        state: 'documented',
        notes: 'Ready for manual execution',
      },
      {
        title: 'Fingerprint coverage',
        status: 'Analyzed',
        state: 'documented',
        notes: 'Remediation documented',
      },
      { title: 'Dashboard integration', status: 'Complete', state: 'done', notes: 'Components integrated' },
      { title: 'Notion issues', status: 'Documented', state: 'pending', notes: 'Ready for manual creation' },
    ]);
  });

  it('reads the three documented issues with their exact descriptions', () => {
    expect(report.issues.map(({ key, title, priority, type }) => ({ key, title, priority, type }))).toEqual([
      {
        key: 'issue-1',
        title: '[AUDIT] Fingerprint coverage at 20.1% - below 80% threshold',
        priority: 'High',
        type: 'Internal Issue',
      },
      {
        key: 'issue-2',
        title: '[AUDIT] DriveSheetsSync race condition fix tests pending',
        priority: 'Medium',
        type: 'Internal Issue',
      },
      {
        key: 'issue-3',
        title: '[AUDIT] djay Pro ID sync only 70% complete',
        priority: 'Medium',
        type: 'Internal Issue',
      },
    ]);
    const first = report.issues[0]?.description ?? '';
    expect(first.startsWith('Identified during Plans Directory Audit on 2026-01-18.')).toBe(true);
    expect(first).toContain('- Gap: 12,881 items without fingerprints');
    expect(first.endsWith('4. Re-enable fingerprint deduplication')).toBe(true);
    expect(first).not.toContain('```');
  });
});

describe('parseAuditReport on variants', () => {
  it('reads more issues, other statuses and CRLF line endings', () => {
    const issues = [1, 2, 3, 4, 5]
      .map(
        (n) =>
          `### Issue ${n}: Thing ${n}\n\nTitle: Fix thing ${n}\nPriority: Low\nType: Bug\n**Description:**\n\`\`\`\nLine ${n}\n\`\`\`\n`,
      )
      .join('\n');
    const text = [
      '# Weekly audit',
      '**Generated:** 2026-02-01 08:00 UTC',
      '## Documented Issues',
      issues,
      '## Overall Status',
      '| Task | Status | Notes |',
      '|---|---|---|',
      '| Sync | ❌ Blocked | API down |',
      '| Export | ⏳ In progress | half done |',
      '| Tests | ✅ Passed | |',
    ]
      .join('\n')
      .replaceAll('\n', '\r\n');
    const report = parseAuditReport(text, 'weekly.md');
    expect(report.generatedAt).toBe('2026-02-01T08:00:00.000Z');
    expect(report.issues).toHaveLength(5);
    expect(report.issues[4]).toEqual({
      key: 'issue-5',
      title: 'Fix thing 5',
      priority: 'Low',
      type: 'Bug',
      description: 'Line 5',
    });
    expect(report.tasks.map((t) => [t.title, t.state])).toEqual([
      ['Sync', 'blocked'],
      ['Export', 'in_progress'],
      ['Tests', 'done'],
    ]);
    expect(report.warnings).toEqual([]);
  });

  it('falls back to numbered action sections and warns about missing parts', () => {
    const report = parseAuditReport(
      '# Short report\n\n### 1. Do a thing ✅\n\n**Status:** COMPLETED\n\n### 2. Another\n\n**Status:** PENDING\n',
      'short.md',
    );
    expect(report.tasks).toEqual([
      { title: 'Do a thing', status: 'COMPLETED', state: 'done' },
      { title: 'Another', status: 'PENDING', state: 'pending' },
    ]);
    expect(report.warnings).toEqual([
      'no "Overall Status" table found; tasks come from the numbered action sections',
      'no "Documented Issues" section found',
    ]);
  });

  it('skips an issue without a title, with a warning', () => {
    const report = parseAuditReport('# R\n## Documented Issues\n### Issue 2\n**Priority:** High\n', 'r.md');
    expect(report.issues).toEqual([]);
    expect(report.warnings).toContain('Issue 2 has no **Title:** line; skipped');
  });

  it.each([
    ['empty', ''],
    ['binary-ish', '\u0000\u0001\u0002 ### | | |\n```\nunclosed'],
    ['only headings', '# A\n## B\n### C\n#### Issue\n'],
    ['a table with no rows', '# T\n## Overall Status\n| Task | Status |\n|---|---|\n'],
  ])('never throws on %s input', (_name, text) => {
    expect(() => parseAuditReport(text, 'x.md')).not.toThrow();
    expect(parseAuditReport(text, 'x.md').warnings.length).toBeGreaterThan(0);
  });

  it('normalises statuses', () => {
    expect(taskState('✅ Complete')).toBe('done');
    expect(taskState('⏳ Documented')).toBe('pending');
    expect(taskState('Blocked')).toBe('blocked');
    expect(taskState('who knows')).toBe('unknown');
  });
});

describe('findNewestReport', () => {
  it('prefers the date in the name, then the modification time; undefined when there is none', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'reports-'));
    try {
      expect(findNewestReport(dir)).toBeUndefined();
      expect(findNewestReport(path.join(dir, 'missing'))).toBeUndefined();
      writeFileSync(path.join(dir, 'AUDIT_20260118.md'), '# a');
      writeFileSync(path.join(dir, 'AUDIT_20260118_101500.md'), '# b');
      writeFileSync(path.join(dir, 'AUDIT_20251231.md'), '# c');
      writeFileSync(path.join(dir, 'notes.txt'), 'x');
      expect(findNewestReport(dir)).toBe(path.join(dir, 'AUDIT_20260118_101500.md'));
      writeFileSync(path.join(dir, 'undated.md'), '# d');
      utimesSync(path.join(dir, 'undated.md'), new Date('2020-01-01'), new Date('2020-01-01'));
      expect(findNewestReport(dir)).toBe(path.join(dir, 'AUDIT_20260118_101500.md'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parseAuditReport on hostile lines', () => {
  /** Parses and returns the result; a super-linear pattern would take seconds to minutes here. */
  function parseQuickly(markdown: string) {
    const started = performance.now();
    const report = parseAuditReport(markdown, 'hostile.md');
    // A correctness deadline, not a benchmark: linear parsing of these lines takes milliseconds.
    expect(performance.now() - started).toBeLessThan(1000);
    return report;
  }

  // Three runs of these fit under the line cap; 3,000 spaces in a heading once took seconds.
  const spaces = ' '.repeat(2_500);
  const many = (ch: string) => ch.repeat(8_000);

  it('headings made of thousands of spaces, # and * are read in linear time', () => {
    const report = parseQuickly(
      [
        `#${spaces}x`,
        `# ${spaces}`,
        `## Fingerprint${spaces}coverage${spaces}#${spaces}`,
        `### a${spaces}#${spaces}b`,
        `## Overall Status${' #'.repeat(4_000)}`,
        `###### ${many('#')} `,
        `### ${many('*')}`,
        `## Fix C#`,
      ].join('\n'),
    );
    expect(report.title).toBe('x');
    expect(report.warnings).not.toContain('no "# title" heading found; using the file name');
  });

  it('reads heading text as CommonMark does: a closing run of # only after whitespace', () => {
    const report = parseAuditReport(
      '# Fix C#\n## Overall Status ##\n| Task | Status |\n|---|---|\n| C# port | Done |\n',
      'r.md',
    );
    expect(report.title).toBe('Fix C#');
    expect(report.tasks).toEqual([{ title: 'C# port', status: 'Done', state: 'done' }]);
  });

  it('fields padded with thousands of spaces and stars are read in linear time', () => {
    const report = parseQuickly(
      [
        '# Report',
        `${spaces}-${spaces}**Source Audit:**${spaces}audit.md${spaces}`,
        `${spaces}*${spaces}`,
        `**Generated:**${spaces}2026-01-18 10:30:00 UTC${spaces}`,
        `${many('*')}Generated`,
        '## Documented Issues',
        `### Issue${spaces}1${spaces}`,
        `### Issue${spaces}2${spaces}:${spaces}Title in the heading${spaces}`,
        `**Description:**${spaces}`,
        `${many('-')}${spaces}`,
        `\n---${spaces}`,
      ].join('\n'),
    );
    expect(report.sourceAudit).toBe('audit.md');
    expect(report.generatedAt).toBe('2026-01-18T10:30:00.000Z');
    expect(report.issues.map((i) => i.title)).toEqual(['Title in the heading']);
    expect(report.warnings).toContain('Issue 1 has no **Title:** line; skipped');
  });

  it('table rows of thousands of spaces and pipes are read in linear time', () => {
    const report = parseQuickly(
      [
        '# Report',
        '## Overall Status',
        '| Task | Status | Notes |',
        `${spaces}|${spaces}:---|---|---|`,
        `| Fingerprints | ⏳ Pending | ${many('|')}`,
        `${spaces}|`,
        `|${spaces}|${spaces}|`,
        `${spaces}|${spaces}x`,
      ].join('\n'),
    );
    expect(report.tasks).toEqual([
      { title: 'Fingerprints', status: 'Pending', state: 'pending' },
      { title: 'x', status: 'unknown', state: 'unknown' },
    ]);
  });

  it('cuts lines longer than the cap, with a warning naming the line', () => {
    const report = parseQuickly(
      [
        '# Report',
        '',
        `## Overall Status ${'x'.repeat(200_000)}`,
        `#${' '.repeat(100_000)}x`,
        `**Generated:**${' '.repeat(100_000)}2026-01-18`,
        `|${' |'.repeat(100_000)}`,
      ].join('\n'),
    );
    expect(report.warnings).toContain(
      `line 3 is 200,018 characters long; only its first ${MAX_LINE_CHARS.toLocaleString('en-US')} are read`,
    );
  });
});
