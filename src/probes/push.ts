// `push` probes: a script (the DriveSheetsSync production tests, a cron job) POSTs its
// results to /probes/:id/results; they are stored before the 202, and the probe reports
// the newest one. `stale_after` makes an old result show as stale.

import { z } from 'zod';
import type { ProbeConfig } from '../config/index.js';
import { BadRows } from '../kit/bad-rows.js';
import type { Store } from '../store/store.js';
import { type Measurement, type Probe, ProbeError } from './types.js';

type PushProbeConfig = Extract<ProbeConfig, { kind: 'push' }>;

/** The body of POST /probes/:id/results (DESIGN.md). */
export const pushResultSchema = z.object({
  status: z.enum(['pass', 'fail']),
  passed: z.number().int().nonnegative().optional(),
  failed: z.number().int().nonnegative().optional(),
  summary: z.string().max(3000).optional(),
  tests: z
    .array(
      z.object({
        name: z.string().min(1).max(500),
        status: z.enum(['pass', 'fail', 'skip']),
        message: z.string().max(3000).optional(),
      }),
    )
    .max(1000)
    .optional(),
  ran_at: z.iso.datetime({ offset: true }).optional(),
});
export type PushResult = z.infer<typeof pushResultSchema>;

export class PushResults {
  constructor(
    private readonly store: Store,
    private readonly badRows: BadRows = new BadRows(),
  ) {}

  /** Stored in one durable transaction; returns the row id. */
  add(probeId: string, result: PushResult, receivedAt: Date): number {
    const info = this.store.db
      .prepare('INSERT INTO push_results (probe_id, body, received_at) VALUES (?, ?, ?)')
      .run(probeId, JSON.stringify(result), receivedAt.toISOString());
    return Number(info.lastInsertRowid);
  }

  /** The newest readable result; unreadable bodies are reported and skipped. */
  latest(probeId: string): { result: PushResult; receivedAt: string } | undefined {
    const rows = this.store.db
      .prepare<[string], { id: number; body: string; received_at: string }>(
        'SELECT id, body, received_at FROM push_results WHERE probe_id = ? ORDER BY id DESC',
      )
      .iterate(probeId);
    for (const row of rows) {
      let json: unknown;
      try {
        json = JSON.parse(row.body);
      } catch {
        this.badRows.skipped('push_results', row.id, 'body is not JSON');
        continue;
      }
      const parsed = pushResultSchema.safeParse(json);
      if (parsed.success) return { result: parsed.data, receivedAt: row.received_at };
      this.badRows.skipped('push_results', row.id, 'body does not match the push result schema');
    }
    return undefined;
  }
}

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
    id: config.id,
    kind: 'push',
    title: config.title ?? config.id,
    source: `results POSTed to /probes/${config.id}/results`,
    async run(): Promise<Measurement> {
      const latest = results.latest(config.id);
      if (!latest)
        throw new ProbeError(`no results posted yet (POST /probes/${config.id}/results)`, { noData: true });
      return toTestsMeasurement(latest.result, latest.receivedAt);
    },
  };
}
