// Property-based fuzz of every Block Kit builder that shows text from outside (alert groups,
// issue proposals, status and detail answers, digests, the Home tab): whatever the strings —
// pings, user mentions, disguised links, lone surrogates, huge lengths, Object.prototype's
// names — no builder throws, nothing exceeds Slack's limits, and no control sequence from the
// input reaches any field Slack renders, the fallback text included.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertMessage } from '../../src/alerts/blocks.js';
import type { GroupState } from '../../src/alerts/schemas.js';
import { parseConfig } from '../../src/config/index.js';
import { findBlockKitProblems } from '../../src/dev/block-limits.js';
import { digestMessage } from '../../src/digests/blocks.js';
import { homeView } from '../../src/home/blocks.js';
import {
  closeOfferMessage,
  openIssuesMessage,
  proposalMessage,
  reopenOfferMessage,
} from '../../src/issues/blocks.js';
import type { Proposal } from '../../src/issues/proposals.js';
import { SUBCOMMANDS } from '../../src/kit/ids.js';
import { SUBCOMMAND_SPECS } from '../../src/kit/subcommands.js';
import type { ProbeSnapshot, StatusSnapshot } from '../../src/probes/snapshot.js';
import type { Measurement } from '../../src/probes/types.js';
import { probeDetailMessage, statusMessage } from '../../src/status/blocks.js';

/**
 * Runs per builder. One run draws many untrusted strings (about 100 for an alert group, 35 for
 * a status snapshot, 7 for a proposal), one in ten of them 2,000-6,000 graphemes long; at 50
 * runs each injection below reaches every builder more than ten times (the alert builder some
 * hundreds of times) per suite run. fast-check draws a new seed each run, and prints it with a
 * failure to replay it, so CI keeps exploring. 150 runs took 10 s of CPU, the most of any unit
 * test file, on a 2-core machine shared by the whole suite.
 */
const RUNS = { numRuns: 50 };
const NOW = new Date('2026-01-18T10:30:00Z');
/** The only users and channels the bot itself mentions: Slack IDs, never text from outside. */
const TRUSTED_USER = 'U0TRUSTED';
const TRUSTED_CHANNEL = 'C0TRUSTED';

const INJECTIONS = [
  '<!here>',
  '<!channel>',
  '<!everyone>',
  '<!subteam^S123>',
  '<@U0EVIL>',
  '<#C0EVIL>',
  '<http://evil.example|click>',
  'http://a.example/x|Source> <!here> <http://evil.example',
  'javascript:alert(1)',
  '&lt;!here&gt;',
  '\uD800',
  '\uDC00x',
  '👨‍👩‍👧‍👦',
  'constructor',
  '__proto__',
  '*bold* _it_ ~s~ `code`',
  '\u0000\u001b[31m',
];

/** Text from outside: arbitrary unicode mixed with Slack's control sequences, sometimes huge. */
const untrusted = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom(...INJECTIONS), fc.string({ maxLength: 10 })), { maxLength: 6 })
      .map((parts) => parts.join(' ')),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 2000, maxLength: 6000 }) },
);
const url = fc.oneof(
  untrusted,
  fc.webUrl(),
  fc.webUrl().map((u) => `${u}|x> <!here> <${u}`),
);
const time = fc.oneof(
  fc
    .date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  untrusted,
);
const labels = fc.dictionary(untrusted, untrusted, { maxKeys: 8 });

const alertState: fc.Arbitrary<GroupState> = fc
  .record({
    groupKey: untrusted,
    source: fc.constantFrom('alertmanager' as const, 'grafana' as const, 'json' as const),
    status: fc.constantFrom('firing' as const, 'resolved' as const),
    title: untrusted,
    severity: fc.option(untrusted, { nil: undefined }),
    groupLabels: labels,
    commonLabels: labels,
    alerts: fc.array(
      fc.record({
        fingerprint: untrusted,
        status: fc.constantFrom('firing' as const, 'resolved' as const),
        labels,
        annotations: labels,
        startsAt: time,
        generatorURL: fc.option(url, { nil: undefined }),
        dashboardURL: fc.option(url, { nil: undefined }),
        panelURL: fc.option(url, { nil: undefined }),
        silenceURL: fc.option(url, { nil: undefined }),
        values: fc.option(
          fc.dictionary(untrusted, fc.oneof(fc.double(), fc.constant(null)), { maxKeys: 4 }),
          {
            nil: undefined,
          },
        ),
      }),
      { maxLength: 14 },
    ),
    truncatedAlerts: fc.nat({ max: 1000 }),
    text: fc.option(untrusted, { nil: undefined }),
    url: fc.option(url, { nil: undefined }),
    externalURL: fc.option(url, { nil: undefined }),
    runbookURL: fc.option(url, { nil: undefined }),
    firingSince: time,
    resolvedAt: fc.option(time, { nil: undefined }),
    acknowledged: fc.option(fc.record({ by: fc.constant(TRUSTED_USER), at: time }), { nil: undefined }),
    silence: fc.option(fc.record({ id: untrusted, by: fc.constant(TRUSTED_USER), until: time }), {
      nil: undefined,
    }),
  })
  .map((s) => s as GroupState);

/** Every text Slack renders: the fallback `text`, and every text object in the blocks. */
function renderedTexts(message: { text?: string; blocks?: unknown }): string[] {
  const out = message.text !== undefined ? [message.text] : [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'mrkdwn' && typeof record.text === 'string') out.push(record.text);
      for (const value of Object.values(record)) walk(value);
    }
  };
  walk(message.blocks);
  return out;
}

/** Control sequences allowed: the bot's own mentions of Slack IDs, and checked http(s) links. */
function expectInert(message: { text?: string; blocks?: unknown }): void {
  for (const text of renderedTexts(message)) {
    for (const [, inside = ''] of text.matchAll(/<([^>]*)>/g)) {
      const ours =
        inside === `@${TRUSTED_USER}` ||
        inside === `#${TRUSTED_CHANNEL}` ||
        /^https?:\/\/[^\s<>|]+\|[^<>]*$/.test(inside);
      if (!ours)
        throw new Error(
          `control sequence from the input reached Slack: <${inside}> in ${JSON.stringify(text).slice(0, 300)}`,
        );
    }
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  }
}

const pushConfig = parseConfig('probes: [{ id: p, kind: push }]', '/tmp/a.yml')
  .probes[0] as ProbeSnapshot['config'];

const measurement: fc.Arbitrary<Measurement> = fc.oneof(
  fc.record({ kind: fc.constant('ratio' as const), covered: fc.double(), total: fc.double() }),
  fc.record({ kind: fc.constant('value' as const), value: fc.double() }),
  fc.record({
    kind: fc.constant('tests' as const),
    passed: fc.boolean(),
    summary: untrusted,
    tests: fc.array(
      fc.record({
        name: untrusted,
        status: fc.constantFrom('pass' as const, 'fail' as const),
        message: untrusted,
      }),
      { maxLength: 8 },
    ),
  }),
);

const probeSnapshot: fc.Arbitrary<ProbeSnapshot> = fc.record({
  id: fc.constantFrom('p', 'q'),
  title: untrusted,
  config: fc.constant(pushConfig),
  source: untrusted,
  status: fc.constantFrom(
    'ok' as const,
    'below_target' as const,
    'failing' as const,
    'stale' as const,
    'error' as const,
    'never' as const,
  ),
  latest: fc.option(
    fc.record({
      probeId: fc.constant('p'),
      status: fc.constantFrom('ok' as const, 'error' as const, 'failing' as const),
      measurement,
      measuredAt: time,
      durationMs: fc.double(),
      error: untrusted,
    }),
    { nil: undefined },
  ),
  dayBefore: fc.constant(undefined),
  running: fc.boolean(),
  history: fc.array(fc.double(), { maxLength: 30 }),
});

const snapshot: fc.Arbitrary<StatusSnapshot> = fc.record({
  // Probe ids are unique (the config refuses duplicates).
  probes: fc
    .array(probeSnapshot, { maxLength: 12 })
    .map((probes) => probes.map((p, i) => ({ ...p, id: `p${i}` }))),
  report: fc.option(
    fc.record({
      probeId: fc.constant('r'),
      file: untrusted,
      openTasks: fc.array(
        fc.record({
          title: untrusted,
          status: untrusted,
          state: fc.constant('pending' as const),
          notes: untrusted,
        }),
        { maxLength: 8 },
      ),
      issueCount: fc.nat(),
    }),
    { nil: undefined },
  ),
  now: fc.constant(NOW),
  timezone: fc.constant('Europe/Berlin'),
});

const proposal: fc.Arbitrary<Proposal> = fc
  .record({
    id: fc.nat(),
    title: untrusted,
    priority: untrusted,
    type: untrusted,
    description: untrusted,
    reportFile: fc.option(untrusted, { nil: undefined }),
    state: fc.constantFrom('proposed', 'creating', 'created', 'failed', 'dismissed'),
    claimedBy: fc.constant(TRUSTED_USER),
    decidedBy: fc.constant(TRUSTED_USER),
    pageUrl: fc.option(url, { nil: undefined }),
    existing: fc.boolean(),
    reason: fc.option(untrusted, { nil: undefined }),
    error: fc.option(untrusted, { nil: undefined }),
    createdAt: fc.constant('2026-01-18T08:00:00.000Z'),
    probeId: fc.option(untrusted, { nil: undefined }),
    figureAtCreation: fc.option(untrusted, { nil: undefined }),
    closedBy: fc.option(fc.constant(TRUSTED_USER), { nil: undefined }),
    notion: fc.option(
      fc.record({
        status: fc.option(untrusted, { nil: undefined }),
        assignee: fc.option(untrusted, { nil: undefined }),
        editedAt: fc.constant('2026-01-18T09:00:00.000Z'),
        gone: fc.boolean(),
      }),
      { nil: undefined },
    ),
  })
  .map((p) => p as unknown as Proposal);

describe('Block Kit builders under arbitrary input', () => {
  it('alert messages', () => {
    fc.assert(
      fc.property(alertState, fc.boolean(), fc.boolean(), (state, alertmanager, grafana) => {
        const message = alertMessage(state, 'g1', 'Europe/Berlin', NOW, { alertmanager, grafana });
        expect(findBlockKitProblems('message', message)).toEqual([]);
        expectInert(message);
      }),
      RUNS,
    );
  });

  it('issue proposals, the close and reopen offers, and the open issues list', () => {
    fc.assert(
      fc.property(
        proposal,
        fc.option(untrusted, { nil: undefined }),
        untrusted,
        fc.array(proposal, { maxLength: 30 }),
        (p, check, figure, issues) => {
          for (const message of [
            proposalMessage(p, check),
            closeOfferMessage(p, check ?? 'check', figure),
            reopenOfferMessage(p, check ?? 'check', figure, p.closedBy),
            openIssuesMessage(issues, { now: NOW, checkTitle: () => check, waiting: issues.length }),
          ]) {
            expect(findBlockKitProblems('message', message)).toEqual([]);
            expectInert(message);
          }
        },
      ),
      RUNS,
    );
  });

  it('status answers and check details', () => {
    fc.assert(
      fc.property(snapshot, probeSnapshot, (status, probe) => {
        const message = statusMessage(status);
        expect(findBlockKitProblems('message', message)).toEqual([]);
        expectInert(message);
        const detail = probeDetailMessage({ probe, lastError: probe.latest, now: NOW, timezone: 'UTC' });
        expect(findBlockKitProblems('message', detail)).toEqual([]);
        expectInert(detail);
      }),
      RUNS,
    );
  });

  it('digests', () => {
    fc.assert(
      fc.property(snapshot, fc.boolean(), (status, late) => {
        const message = digestMessage({
          digestId: 'morning',
          title: 'Morning audit digest',
          slot: NOW,
          late,
          timezone: 'UTC',
          now: NOW,
          probes: status.probes.map((probe) => ({ probe, previousFigure: 0.1 })),
          report: status.report,
        });
        expect(findBlockKitProblems('message', message)).toEqual([]);
        expectInert(message);
      }),
      RUNS,
    );
  });

  it('the Home tab', () => {
    fc.assert(
      fc.property(
        snapshot,
        fc.array(
          fc.record({
            groupId: fc.constant('g'),
            title: untrusted,
            severity: fc.option(untrusted, { nil: undefined }),
            channel: fc.constant(TRUSTED_CHANNEL),
            ts: fc.option(fc.constant('1700000000.000100'), { nil: undefined }),
            firingSince: time,
          }),
          { maxLength: 10 },
        ),
        fc
          .array(
            fc.record({ title: untrusted, priority: untrusted, type: untrusted, failed: fc.boolean() }),
            { maxLength: 10 },
          )
          // Proposal ids are the store's primary key: unique.
          .map((proposals) => proposals.map((p, i) => ({ ...p, id: i + 1 }))),
        fc.boolean(),
        fc.array(
          fc.record({
            title: untrusted,
            url: fc.option(untrusted, { nil: undefined }),
            check: fc.option(untrusted, { nil: undefined }),
            status: fc.option(untrusted, { nil: undefined }),
            assignee: fc.option(untrusted, { nil: undefined }),
          }),
          { maxLength: 30 },
        ),
        fc.option(untrusted, { nil: undefined }),
        (status, alerts, proposals, canApprove, openIssues, notionWebhookToken) => {
          const view = homeView({
            subcommands: SUBCOMMANDS.map((n) => SUBCOMMAND_SPECS[n]),
            notes: [],
            now: NOW,
            timezone: 'UTC',
            status,
            alerts,
            proposals,
            canApprove,
            openIssues,
            notionWebhookToken,
          });
          expect(findBlockKitProblems('home', view)).toEqual([]);
          expectInert({ blocks: view.blocks });
        },
      ),
      RUNS,
    );
  });
});
