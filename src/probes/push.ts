// `push` probes: a script (the DriveSheetsSync production tests, a cron job) POSTs its
// results to /probes/:id/results; they are stored before the 202, and the probe reports
// the newest one. `stale_after` makes an old result show as stale.

import { z } from 'zod';
import { duration } from '../kit/schemas.js';
import { defineProbeKind, probeBase } from './kind.js';
import type { PushResult, PushResults } from './push-results.js';
import { type Measurement, type Probe, ProbeError, probeIdentity } from './types.js';

const pushProbeSchema = z.strictObject({
  ...probeBase,
  kind: z.literal('push'),
  stale_after: duration.optional(),
});
type PushProbeConfig = z.output<typeof pushProbeSchema>;

export const pushKind = defineProbeKind({
  kind: 'push',
  schema: pushProbeSchema,
  defaultTimeoutMs: 10_000,
  defaultRefresh: '*/5 * * * *',
  create: (probe, context) => createPushProbe(probe, context.pushResults),
});

/**
 * When the tests ran: `ran_at`, but never after the result arrived (tests cannot finish after
 * they were reported), so a clock running ahead, or a row stored before the route refused
 * future times, cannot make an old result look newer than later ones.
 */
function ranAtOf(result: PushResult, receivedAt: string): string {
  if (!result.ran_at) return receivedAt;
  const ran = Date.parse(result.ran_at);
  const received = Date.parse(receivedAt);
  return new Date(Number.isNaN(received) ? ran : Math.min(ran, received)).toISOString();
}

export function toTestsMeasurement(result: PushResult, receivedAt: string): Measurement {
  const tests = result.tests ?? [];
  const passedCount =
    result.passed ?? (tests.length > 0 ? tests.filter((t) => t.status === 'pass').length : undefined);
  const failedCount =
    result.failed ?? (tests.length > 0 ? tests.filter((t) => t.status === 'fail').length : undefined);
  return {
    kind: 'tests',
    passed: result.status === 'pass',
    ...(passedCount !== undefined ? { passedCount } : {}),
    ...(failedCount !== undefined ? { failedCount } : {}),
    ...(tests.length > 0 ? { tests } : {}),
    ...(result.summary ? { summary: result.summary } : {}),
    ranAt: ranAtOf(result, receivedAt),
  };
}

export function createPushProbe(config: PushProbeConfig, results: PushResults): Probe {
  return {
    ...probeIdentity(config),
    source: `results POSTed to /probes/${config.id}/results`,
    async run(): Promise<Measurement> {
      const latest = results.latest(config.id);
      if (!latest)
        throw new ProbeError(`no results posted yet (POST /probes/${config.id}/results)`, { noData: true });
      return toTestsMeasurement(latest.result, latest.receivedAt);
    },
  };
}
