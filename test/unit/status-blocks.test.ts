import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { findBlockKitProblems } from '../../src/dev/block-limits.js';
import { renderMessage } from '../../src/dev/render.js';
import { formatAge, formatPercent, formatPointsDelta, sparkline } from '../../src/kit/format.js';
import type { ProbeSnapshot, StatusSnapshot } from '../../src/probes/snapshot.js';
import type { Measurement, ProbeResult } from '../../src/probes/types.js';
import { probeDetailMessage, probeLine, statusMessage } from '../../src/status/blocks.js';

const NOW = new Date('2026-01-18T11:00:00Z');
const config = parseConfig(
  `
probes:
  - { id: fingerprint-coverage, title: Fingerprint coverage, kind: eagle, covered_when: { tag_prefix: "fp:" }, target: 0.8 }
  - { id: djay-id-sync, title: djay Pro ID sync, kind: sqlite, path: x.db, total_sql: SELECT 1, covered_sql: SELECT 1, target: 0.9 }
  - { id: drivesheets-tests, title: DriveSheetsSync tests, kind: push, stale_after: 48h }
  - { id: dashboard-p95, title: Dashboard p95, kind: http-json, url: "http://localhost:8080/m", value: latency.p95, max: 500 }
`,
  '/tmp/audit-bot.yml',
);
const [fp, djay, push, p95] = config.probes as [
  (typeof config.probes)[number],
  (typeof config.probes)[number],
  (typeof config.probes)[number],
  (typeof config.probes)[number],
];

function result(
  probeId: string,
  measurement: Measurement | undefined,
  minutesAgo: number,
  extra: Partial<ProbeResult> = {},
): ProbeResult {
  return {
    probeId,
    status: 'ok',
    measuredAt: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
    durationMs: 1234,
    ...(measurement ? { measurement } : {}),
    ...extra,
  };
}

const snapshot: StatusSnapshot = {
  now: NOW,
  timezone: 'Europe/Berlin',
  probes: [
    {
      id: fp.id,
      title: 'Fingerprint coverage',
      config: fp,
      source: 'Eagle at http://localhost:41595',
      status: 'below_target',
      latest: result(fp.id, { kind: 'ratio', covered: 4244, total: 21125 }, 12, { status: 'below_target' }),
      dayBefore: result(fp.id, { kind: 'ratio', covered: 4000, total: 21125 }, 24 * 60 + 12),
      running: false,
      history: [0.18, 0.19, 0.2009],
    },
    {
      id: djay.id,
      title: 'djay Pro ID sync',
      config: djay,
      source: 'SQLite x.db',
      status: 'below_target',
      latest: result(djay.id, { kind: 'ratio', covered: 10878, total: 15540 }, 3, { status: 'below_target' }),
      dayBefore: undefined,
      running: true,
      history: [],
    },
    {
      id: push.id,
      title: 'DriveSheetsSync tests',
      config: push,
      source: 'results POSTed',
      status: 'never',
      latest: undefined,
      dayBefore: undefined,
      running: false,
      history: [],
    },
    {
      id: p95.id,
      title: 'Dashboard p95',
      config: p95,
      source: 'GET',
      status: 'error',
      latest: result(p95.id, undefined, 130, {
        status: 'error',
        error: 'http://localhost:8080/m is not reachable (ECONNREFUSED)',
      }),
      dayBefore: undefined,
      running: false,
      history: [],
    },
  ],
  report: {
    probeId: 'audit-report',
    file: 'AUDIT_FOLLOWUP_REPORT_20260118.md',
    openTasks: [
      { title: 'Notion issues', status: 'Documented', state: 'pending', notes: 'Ready for manual creation' },
    ],
    issueCount: 3,
  },
};

describe('formatting', () => {
  it('shows percentages with one decimal and points deltas', () => {
    expect(formatPercent(4244 / 21125)).toBe('20.1%');
    expect(formatPercent(0.8)).toBe('80.0%');
    expect(formatPointsDelta(0.2009, 0.1893)).toBe('+1.2 pp');
    expect(formatPointsDelta(0.5, 0.504)).toBe('−0.4 pp');
    expect(formatPointsDelta(0.5, 0.5)).toBe('±0.0 pp');
  });
  it('shows ages briefly', () => {
    expect(formatAge(new Date(NOW.getTime() - 30_000), NOW)).toBe('just now');
    expect(formatAge(new Date(NOW.getTime() - 12 * 60_000), NOW)).toBe('12 min ago');
    expect(formatAge(new Date(NOW.getTime() - 5 * 3_600_000), NOW)).toBe('5 h ago');
    expect(formatAge(new Date(NOW.getTime() - 3 * 86_400_000), NOW)).toBe('3 d ago');
  });
  it('draws sparklines between the minimum and maximum', () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([5, 5])).toBe('▄▄');
    expect(sparkline([])).toBe('');
  });
});

describe('status message', () => {
  it('shows figure, target, trend and age per probe', () => {
    expect(probeLine(snapshot.probes[0] as ProbeSnapshot, NOW)).toBe(
      ':large_yellow_circle: *Fingerprint coverage*  20.1% (4,244 / 21,125) · target 80.0% · +1.2 pp since yesterday · 12 min ago',
    );
    expect(probeLine(snapshot.probes[1] as ProbeSnapshot, NOW)).toBe(
      ':large_yellow_circle: *djay Pro ID sync*  70.0% (10,878 / 15,540) · target 90.0% · 3 min ago · _measuring…_',
    );
    expect(probeLine(snapshot.probes[2] as ProbeSnapshot, NOW)).toBe(
      ':grey_question: *DriveSheetsSync tests* — never measured yet',
    );
  });

  it('renders the whole answer', () => {
    const message = statusMessage(snapshot);
    expect(findBlockKitProblems('message', message)).toEqual([]);
    expect(renderMessage(message).text).toMatchInlineSnapshot(`
      "Pipeline checks — 4 of 4 need attention
      =======================================
      🟡 *Fingerprint coverage*  20.1% (4,244 / 21,125) · target 80.0% · +1.2 pp since yesterday · 12 min ago
      🟡 *djay Pro ID sync*  70.0% (10,878 / 15,540) · target 90.0% · 3 min ago · _measuring…_
      ❔ *DriveSheetsSync tests* — never measured yet
      ⚠️ *Dashboard p95*  error: http://localhost:8080/m is not reachable (ECONNREFUSED) · 2 h ago
      ────────────────────────────────────────
      *Open tasks* from _AUDIT_FOLLOWUP_REPORT_20260118.md_
      • *Notion issues*: Documented — Ready for manual creation
      Figures are the latest stored measurements · times in Europe/Berlin · /audit status <probe-id> for detail
      [1] Refresh  [2] Share in channel"
    `);
  });

  it('fits 60 probes in one message within Slack limits', () => {
    const many: StatusSnapshot = {
      ...snapshot,
      probes: Array.from({ length: 60 }, (_, i) => ({
        ...(snapshot.probes[0] as ProbeSnapshot),
        id: `p${i}`,
        title: `Check number ${i} with a long descriptive title`,
      })),
    };
    const message = statusMessage(many);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(findBlockKitProblems('message', message)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain('Check number 59');
  });

  it('renders the detail of one probe with history and last error', () => {
    const probe = snapshot.probes[0] as ProbeSnapshot;
    const message = probeDetailMessage({
      probe,
      lastError: result(fp.id, undefined, 300, { status: 'error', error: 'Eagle is not reachable' }),
      now: NOW,
      timezone: 'Europe/Berlin',
    });
    expect(findBlockKitProblems('message', message)).toEqual([]);
    expect(renderMessage(message).text).toMatchInlineSnapshot(`
      "Fingerprint coverage — below target
      ===================================
      *Status* 🟡 below target                *Figure* 20.1% (4,244 / 21,125)
      *Target* 80.0%                         *Change* +1.2 pp in a day
      *Measured* 12 min ago (2026-01-18 11:48)   *Took* 1.2 s
      *History* (last 3)
      ▁▄█  18.0% – 20.1%
      *Last error* (5 h ago): Eagle is not reachable
      Source: Eagle at http://localhost:41595 · id fingerprint-coverage · times in Europe/Berlin
      [1] Refresh  [2] Share in channel  [3] Propose issue"
    `);
  });

  it('lists per-test detail for pass/fail probes', () => {
    const probe: ProbeSnapshot = {
      ...(snapshot.probes[2] as ProbeSnapshot),
      status: 'failing',
      latest: result(
        push.id,
        {
          kind: 'tests',
          passed: false,
          passedCount: 4,
          failedCount: 1,
          tests: [
            { name: 'PRODUCTION_TEST_1_LockFirstPattern', status: 'pass' },
            { name: 'PRODUCTION_TEST_3_LockTimeout', status: 'fail', message: 'lock held after 30 s' },
          ],
        },
        60,
        { status: 'failing' },
      ),
    };
    const text = renderMessage(
      probeDetailMessage({ probe, lastError: undefined, now: NOW, timezone: 'UTC' }),
    ).text;
    expect(text).toContain('4 passed, 1 failed');
    expect(text).toContain('❌ PRODUCTION_TEST_3_LockTimeout — lock held after 30 s');
    expect(text).toContain('✅ PRODUCTION_TEST_1_LockFirstPattern');
  });
});
