// Property-based fuzz of every webhook route over real HTTP against a running bot: arbitrary
// JSON, and arbitrary mutations of the documented fixtures (fields removed, replaced by other
// types, nulls, strings of any kind). Whatever arrives, the answer is 2xx or 4xx — never 5xx —
// and the bot keeps answering /healthz and delivering to Slack.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpBot, startHttpBot, type TestBot } from '../support/bot.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { alertFixture } from '../support/fixtures.js';

const ROUTES = ['/alerts/alertmanager', '/alerts/grafana', '/alerts', '/probes/tests/results'] as const;

const anyValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    'not-a-date',
    '2016-03-07T14:02:11Z',
    '0001-01-01T00:00:00Z',
    'firing',
    'resolved',
    '',
    'constructor',
  ),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);

type Json = unknown;

/** Replaces or removes the value at a random path of a fixture. */
function mutate(value: Json, path: number[], replacement: Json, remove: boolean): Json {
  if (path.length === 0) return replacement;
  const [step = 0, ...rest] = path;
  if (Array.isArray(value) && value.length > 0) {
    const i = step % value.length;
    const copy = [...value];
    if (rest.length === 0 && remove) copy.splice(i, 1);
    else copy[i] = mutate(copy[i], rest, replacement, remove);
    return copy;
  }
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return replacement;
    const key = keys[step % keys.length] as string;
    const copy: Record<string, Json> = { ...(value as Record<string, Json>) };
    if (rest.length === 0 && remove) delete copy[key];
    else copy[key] = mutate(copy[key], rest, replacement, remove);
    return copy;
  }
  return replacement;
}

const FIXTURES = [
  'alertmanager-v4-firing',
  'alertmanager-v4-resolved',
  'grafana-firing',
  'grafana-resolved',
  'relay-quirks',
].map(alertFixture);
const PUSH = {
  status: 'fail',
  passed: 3,
  failed: 2,
  summary: '3 of 5 production tests passed',
  tests: [{ name: 'PRODUCTION_TEST_1', status: 'pass' }],
};

const mutated = fc
  .record({
    base: fc.constantFrom(...FIXTURES, PUSH),
    edits: fc.array(
      fc.record({
        path: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        value: anyValue,
        remove: fc.boolean(),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(({ base, edits }) =>
    JSON.stringify(edits.reduce<Json>((v, e) => mutate(v, e.path, e.value, e.remove), base)),
  );

/** Nesting deep enough to overflow the stack when stored, in a field nobody reads. */
const nested = fc
  .integer({ min: 1, max: 120_000 })
  .map((n) => `{"title":"deep","status":"firing","key":"deep","extra":${'['.repeat(n)}${']'.repeat(n)}}`);
/** Escapes JSON.stringify never writes: lone surrogates and control characters. */
const rawEscapes = fc
  .array(fc.constantFrom('\\ud800', '\\udc00', '\\u0000', '\\u001b', 'x', '\\n'), { maxLength: 8 })
  .map((parts) => `{"title":"raw ${parts.join('')}","status":"firing","key":"raw-${parts.length}"}`);

const body = fc.oneof(
  { weight: 3, arbitrary: mutated },
  { weight: 1, arbitrary: nested },
  { weight: 1, arbitrary: rawEscapes },
  { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);

describe('every webhook route under arbitrary bodies', () => {
  let bot: HttpBot;
  let slack: FakeSlack;
  let test: TestBot;

  beforeAll(async () => {
    bot = await startHttpBot({
      configYaml: `
timezone: UTC
slack: { channels: { alerts: C0ALERTS }, approvers: [U0APPROVER] }
alerts: { default_channel: C0ALERTS, rate_per_channel: 50, burst: 50 }
probes:
  - { id: tests, kind: push }
`,
    });
    ({ slack, test } = bot);
  });
  afterAll(async () => {
    await bot?.stop();
  });

  it('answers 2xx or 4xx, never 5xx, and keeps working', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), body, async (route, text) => {
        const answer = await bot.webhook(route, text);
        await answer.arrayBuffer();
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        expect(answer.status, `${route} answered ${answer.status} to ${text.slice(0, 300)}`).toBeLessThan(
          500,
        );
      }),
      { numRuns: 300 },
    );
    // Both kinds were exercised: some bodies accepted, some refused.
    expect(statuses.get(202) ?? 0).toBeGreaterThan(0);
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
    expect((await fetch(`${test.bot.httpUrl}/healthz`)).status).toBe(200);
    // What was accepted still reaches Slack: the outbox survived every group it stored.
    const valid = await bot.webhook('/alerts', {
      title: 'after the fuzz',
      status: 'firing',
      key: 'after-fuzz',
    });
    expect(valid.status).toBe(202);
    const deadline = Date.now() + 20_000;
    while (
      !slack.calls.some(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.answer.ok === true &&
          String(c.body.text).includes('after the fuzz'),
      )
    ) {
      if (Date.now() > deadline) throw new Error('the alert sent after the fuzz was not delivered');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(test.logs.text).not.toMatch(/"level":(50|60).*HTTP handler failed/);
  }, 120_000);
});
