// Probe history in the store: results are kept (until retention prunes old ones), so status
// can show trends and the detail view a sparkline. Reads are small indexed queries, fast
// enough for Slack's 3 s. "Latest" means the last one recorded (by row id), not the largest
// measured_at: a result carrying a time in the future must not hide every later one.

import { z } from 'zod';
import type { Store } from '../store/store.js';
import type { Measurement, ProbeResult, ProbeStatus } from './types.js';

const rowSchema = z.object({
  probe_id: z.string(),
  status: z.enum(['ok', 'below_target', 'failing', 'stale', 'error']),
  measurement: z.string().nullable(),
  measured_at: z.string(),
  duration_ms: z.number(),
  error: z.string().nullable(),
});

function toResult(raw: unknown): ProbeResult {
  const row = rowSchema.parse(raw);
  const result: { -readonly [K in keyof ProbeResult]: ProbeResult[K] } = {
    probeId: row.probe_id,
    status: row.status as ProbeStatus,
    measuredAt: row.measured_at,
    durationMs: row.duration_ms,
  };
  if (row.measurement) result.measurement = JSON.parse(row.measurement) as Measurement;
  if (row.error) result.error = row.error;
  return result;
}

const COLUMNS = 'probe_id, status, measurement, measured_at, duration_ms, error';

export class ProbeResults {
  constructor(private readonly store: Store) {}

  record(result: ProbeResult): void {
    this.store.db
      .prepare(`INSERT INTO probe_results (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(
        result.probeId,
        result.status,
        result.measurement ? JSON.stringify(result.measurement) : null,
        result.measuredAt,
        Math.round(result.durationMs),
        result.error ?? null,
      );
  }

  latest(probeId: string): ProbeResult | undefined {
    const row = this.store.db
      .prepare(`SELECT ${COLUMNS} FROM probe_results WHERE probe_id = ? ORDER BY id DESC LIMIT 1`)
      .get(probeId);
    return row ? toResult(row) : undefined;
  }

  /** The newest result that measured something (not an error), for trends across failures. */
  latestMeasured(probeId: string, atOrBefore?: string): ProbeResult | undefined {
    const row = this.store.db
      .prepare(
        `SELECT ${COLUMNS} FROM probe_results
         WHERE probe_id = ? AND measurement IS NOT NULL AND measured_at <= ?
         ORDER BY id DESC LIMIT 1`,
      )
      .get(probeId, atOrBefore ?? '9999');
    return row ? toResult(row) : undefined;
  }

  /** Results with a measurement, oldest first, at most `limit` of the newest. */
  history(probeId: string, limit = 24): ProbeResult[] {
    const rows = this.store.db
      .prepare(
        `SELECT ${COLUMNS} FROM (
           SELECT id, ${COLUMNS} FROM probe_results WHERE probe_id = ? AND measurement IS NOT NULL
           ORDER BY id DESC LIMIT ?
         ) ORDER BY id ASC`,
      )
      .all(probeId, limit);
    return rows.map(toResult);
  }

  /** The last error result newer than the last success, if the probe is currently failing. */
  lastError(probeId: string): ProbeResult | undefined {
    const row = this.store.db
      .prepare(
        `SELECT ${COLUMNS} FROM probe_results WHERE probe_id = ? AND error IS NOT NULL
         ORDER BY id DESC LIMIT 1`,
      )
      .get(probeId);
    return row ? toResult(row) : undefined;
  }
}
