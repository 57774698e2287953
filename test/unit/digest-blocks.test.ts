import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { findBlockKitProblems } from '../../src/dev/block-limits.js';
import { renderMessage } from '../../src/dev/render.js';
import { type DigestProbe, digestHeadline, digestMessage, digestTitle } from '../../src/digests/blocks.js';
import type { ProbeSnapshot } from '../../src/probes/snapshot.js';

const NOW = new Date('2026-01-19T07:00:30Z');
const [fp, push] = parseConfig(
  `
probes:
  - { id: fingerprint-coverage, title: Fingerprint coverage, kind: eagle, covered_when: { tag_prefix: "fp:" }, target: 0.8 }
  - { id: drivesheets-tests, title: DriveSheetsSync tests, kind: push }
`,
  '/tmp/a.yml',
).probes as [ProbeSnapshot['config'], ProbeSnapshot['config']];

const coverage: ProbeSnapshot = {
  id: 'fingerprint-coverage',
  title: 'Fingerprint coverage',
  config: fp,
  source: 'Eagle',
  status: 'below_target',
  latest: {
    probeId: 'fingerprint-coverage',
    status: 'below_target',
    measuredAt: '2026-01-19T06:58:00Z',
    durationMs: 900,
    measurement: { kind: 'ratio', covered: 4244, total: 21125 },
  },
  dayBefore: undefined,
  running: false,
  history: [0.15, 0.17, 0.189, 0.2009],
};
const tests: ProbeSnapshot = {
  id: 'drivesheets-tests',
  title: 'DriveSheetsSync tests',
  config: push,
  source: 'push',
  status: 'ok',
  latest: {
    probeId: 'drivesheets-tests',
    status: 'ok',
    measuredAt: '2026-01-19T05:00:00Z',
    durationMs: 3,
    measurement: { kind: 'tests', passed: true, passedCount: 5, failedCount: 0 },
  },
  dayBefore: undefined,
  running: false,
  history: [],
};

const input = (probes: DigestProbe[], late = false) => ({
  digestId: 'morning',
  title: digestTitle('morning', undefined),
  slot: new Date('2026-01-19T07:00:00Z'),
  late,
  timezone: 'Europe/Berlin',
  now: NOW,
  probes,
  report: {
    probeId: 'audit-report',
    file: 'AUDIT_FOLLOWUP_REPORT_20260118.md',
    openTasks: [
      {
        title: 'Notion issues',
        status: 'Documented',
        state: 'pending' as const,
        notes: 'Ready for manual creation',
      },
    ],
    issueCount: 3,
  },
});

describe('digest message', () => {
  it('renders figures, change since the last digest, sparkline, open tasks and Propose issue', () => {
    const message = digestMessage(
      input([
        { probe: coverage, previousFigure: 0.189 },
        { probe: tests, previousFigure: undefined },
      ]),
    );
    expect(findBlockKitProblems('message', message)).toEqual([]);
    expect(renderMessage(message).text).toMatchInlineSnapshot(`
      "Morning audit digest — 1 of 2 checks below target
      =================================================
      🟡 *Fingerprint coverage*  20.1% (4,244 / 21,125) · target 80.0% · +1.2 pp since last digest · ▁▄▆█
      🟢 *DriveSheetsSync tests*  5 passed, 0 failed
      ────────────────────────────────────────
      *Open tasks* from _AUDIT_FOLLOWUP_REPORT_20260118.md_
      • *Notion issues*: Documented — Ready for manual creation
      [1] Propose issue: Fingerprint coverage
      Digest morning · 2026-01-19 08:00 Europe/Berlin · /audit status for every check"
    `);
  });

  it('marks a late digest', () => {
    const text = renderMessage(
      digestMessage(input([{ probe: tests, previousFigure: undefined }], true)),
    ).text;
    expect(text).toContain(
      'Posted late: this digest was due 2026-01-19 08:00 (Europe/Berlin) while audit-bot was not running.',
    );
  });

  it('says how many checks are below target', () => {
    expect(
      digestHeadline({
        title: 'Morning audit digest',
        probes: [
          { probe: coverage, previousFigure: undefined },
          { probe: tests, previousFigure: undefined },
        ],
      }),
    ).toBe('Morning audit digest — 1 of 2 checks below target');
    expect(
      digestHeadline({
        title: 'Morning audit digest',
        probes: [{ probe: tests, previousFigure: undefined }],
      }),
    ).toBe('Morning audit digest — the check is OK');
    expect(digestTitle('weekly-sync', undefined)).toBe('Weekly sync audit digest');
  });

  it('keeps 80 probes within 50 blocks and caps the buttons', () => {
    const many = Array.from({ length: 80 }, (_, i) => ({
      probe: { ...coverage, id: `probe-${i}`, title: `A fairly long check title number ${i}` },
      previousFigure: 0.1,
    }));
    const message = digestMessage(input(many));
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(findBlockKitProblems('message', message)).toEqual([]);
    const text = renderMessage(message).text;
    expect(text).toContain('and 70 more below target');
  });

  it("shows a failing check's open issue on its line, and offers Propose issue only for checks without one", () => {
    const withIssue: DigestProbe = {
      probe: coverage,
      previousFigure: undefined,
      issue: {
        title: '[AUDIT] Fingerprint coverage at 20.1% - below 80% threshold',
        url: 'https://www.notion.so/abc123',
        status: 'In progress',
        openedAt: '2026-01-18T07:00:00Z',
        open: true,
      },
    };
    const message = digestMessage(input([withIssue, { probe: tests, previousFigure: undefined }]));
    const text = renderMessage(message).text;
    expect(text).toContain(
      'issue [AUDIT] Fingerprint coverage at 20.1% - below 80% threshold (https://www.notion.so/abc123) (In progress, opened 24 h ago)',
    );
    expect(JSON.stringify(message.blocks)).not.toContain('propose_issue');
    const without = digestMessage(input([{ probe: coverage, previousFigure: undefined }]));
    expect(JSON.stringify(without.blocks)).toContain('propose_issue:fingerprint-coverage');
  });

  it('flags an issue done in Notion while its check still fails, and shows a green check with its closed issue', () => {
    const issue = {
      title: 'Coverage',
      url: 'https://www.notion.so/abc',
      status: 'Done',
      openedAt: '2026-01-10T07:00:00Z',
      open: false,
    };
    const failing = renderMessage(
      digestMessage(input([{ probe: coverage, previousFigure: undefined, issue }])),
    ).text;
    expect(failing).toContain(
      '⚠️ issue Coverage (https://www.notion.so/abc) is Done in Notion, but the check still fails',
    );
    const green = renderMessage(
      digestMessage(input([{ probe: tests, previousFigure: undefined, issue }])),
    ).text;
    expect(green).toContain(
      '🟢 *DriveSheetsSync tests*  5 passed, 0 failed · issue Coverage (https://www.notion.so/abc) (Done)',
    );
  });
});
