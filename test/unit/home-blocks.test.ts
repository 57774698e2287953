import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { findBlockKitProblems } from '../../src/dev/block-limits.js';
import { renderView } from '../../src/dev/render.js';
import { HOME_LIMITS, type HomeInput, homeView } from '../../src/home/blocks.js';
import { SUBCOMMANDS } from '../../src/kit/ids.js';
import { SUBCOMMAND_SPECS } from '../../src/kit/subcommands.js';
import type { ProbeSnapshot } from '../../src/probes/snapshot.js';

const NOW = new Date('2026-01-18T10:30:00Z');
const probeConfig = parseConfig('probes: [{ id: p, kind: push }]', '/tmp/a.yml')
  .probes[0] as ProbeSnapshot['config'];

function input(checks: number, alerts: number, proposals: number, canApprove: boolean): HomeInput {
  return {
    subcommands: SUBCOMMANDS.map((n) => SUBCOMMAND_SPECS[n]),
    notes: [],
    now: NOW,
    timezone: 'UTC',
    canApprove,
    status: {
      now: NOW,
      timezone: 'UTC',
      report: undefined,
      probes: Array.from({ length: checks }, (_, i) => ({
        id: `check-${i}`,
        title: `A check with a reasonably long title number ${i}`,
        config: probeConfig,
        source: 's',
        status: 'below_target',
        latest: {
          probeId: `check-${i}`,
          status: 'below_target',
          measuredAt: '2026-01-18T10:00:00Z',
          durationMs: 5,
          measurement: { kind: 'ratio', covered: 4244 + i, total: 21125 },
        },
        dayBefore: undefined,
        running: false,
        history: [],
      })),
    },
    alerts: Array.from({ length: alerts }, (_, i) => ({
      groupId: `g${i}`,
      title: `Alert group number ${i} with a descriptive title`,
      severity: i % 2 ? 'warning' : 'critical',
      channel: 'C0ALERTS',
      ts: `1700000000.${String(i).padStart(6, '0')}`,
      firingSince: '2026-01-18T09:00:00Z',
    })),
    proposals: Array.from({ length: proposals }, (_, i) => ({
      id: i + 1,
      title: `[AUDIT] Proposal number ${i}`,
      priority: 'Medium',
      type: 'Internal Issue',
      failed: i === 0,
    })),
  };
}

describe('Home view', () => {
  it('fits 30 checks, 40 alerts and 20 proposals in 100 blocks, saying how many more there are', () => {
    const view = homeView(input(35, 45, 25, true));
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(findBlockKitProblems('home', view)).toEqual([]);
    const text = renderView(view).text;
    expect(text).toContain('and 5 more checks');
    expect(text).toContain('and 5 more alert groups');
    expect(text).toContain('and 5 more proposals');
    expect(text).toContain(`A check with a reasonably long title number ${HOME_LIMITS.checks - 1}`);
    expect(text).toContain('Firing alerts (45)');
  });

  it('gives approvers Approve/Retry and Dismiss; others see the list only', () => {
    const approver = renderView(homeView(input(1, 1, 2, true))).text;
    expect(approver).toContain('[1] Retry  [2] Dismiss');
    expect(approver).toContain('[3] Approve  [4] Dismiss');
    const member = renderView(homeView(input(1, 1, 2, false))).text;
    expect(member).toContain('[AUDIT] Proposal number 1');
    expect(member).not.toContain('Approve');
  });

  it('says when there is nothing', () => {
    const text = renderView(homeView(input(0, 0, 0, true))).text;
    expect(text).toContain('Pipeline checks — none configured');
    expect(text).toContain('No alerts firing');
    expect(text).toContain('No issue proposals waiting');
  });
});
