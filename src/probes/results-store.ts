// Probe history in the store: results are kept (until retention prunes old ones), so status
// can show trends and the detail view a sparkline. Reads are small indexed queries, fast
// enough for Slack's 3 s. "Latest" means the last one recorded (by row id), not the largest
// measured_at: a result carrying a time in the future must not hide every later one.

import type { Statement } from 'better-sqlite3';
import { z } from 'zod';
import { BadRows, rowProblem } from '../kit/bad-rows.js';
import type { Store } from '../store/store.js';
import { parseJson } from './net.js';
import { measurementSchema, type ProbeResult, probeStatusSchema } from './types.js';

const rowSchema = z.object({
  id: z.number(),
  probe_id: z.string(),
  status: probeStatusSchema,
  measurement: z.string().nullable(),
  measured_at: z.string(),
  duration_ms: z.number(),
  error: z.string().nullable(),
});

type Parsed = { ok: true; result: ProbeResult } | { ok: false; id: number | string; reason: string };

function toResult(raw: unknown): Parsed {
  const rowId = (raw as { id?: unknown } | undefined)?.id;
  const id = typeof rowId === 'number' || typeof rowId === 'string' ? rowId : '?';
  const row = rowSchema.safeParse(raw);
  if (!row.success) return { ok: false, id, reason: rowProblem(row.error) };
  const result: { -readonly [K in keyof ProbeResult]: ProbeResult[K] } = {
    probeId: row.data.probe_id,
    status: row.data.status,
    measuredAt: row.data.measured_at,
    durationMs: row.data.duration_ms,
  };
  if (row.data.measurement) {
    const json = parseJson(row.data.measurement);
    if (json === undefined) return { ok: false, id, reason: 'measurement is not JSON' };
    const measurement = measurementSchema.safeParse(json);
    if (!measurement.success) return { ok: false, id, reason: 'measurement has an unexpected shape' };
    result.measurement = measurement.data;
  }
  if (row.data.error) result.error = row.data.error;
  return { ok: true, result };
}

const COLUMNS = 'probe_id, status, measurement, measured_at, duration_ms, error';

/**
 * How long a read is answered from memory. Every `/audit status`, Home view and digest reads the
 * same few rows; results written here clear the memory at once, and what another writer changes
 * (retention, a second process) shows within this time.
 */
const READ_CACHE_MS = 5000;

export class ProbeResults {
  /** Counts results recorded by this process: what is rendered from them is current while it stays. */
  private recorded = 0;
  private readonly reads = new Map<string, { readonly at: number; readonly value: unknown }>();
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly store: Store,
    private readonly badRows: BadRows = new BadRows(),
  ) {}

  /** `read()`'s answer, from memory when it was read less than READ_CACHE_MS ago. */
  private cached<T>(key: string, read: () => T): T {
    const now = performance.now();
    const hit = this.reads.get(key);
    if (hit && now - hit.at < READ_CACHE_MS) return hit.value as T;
    const value = read();
    this.reads.set(key, { at: now, value });
    return value;
  }

  /** Prepared once: preparing a statement costs more than running it. */
  private statement(sql: string): Statement {
    const statement = this.statements.get(sql) ?? this.store.db.prepare(sql);
    this.statements.set(sql, statement);
    return statement;
  }

  /** The readable rows of `rows`, as they are read; unreadable ones are reported and skipped. */
  private *readable(rows: Iterable<unknown>): Generator<ProbeResult> {
    for (const raw of rows) {
      const parsed = toResult(raw);
      if (parsed.ok) yield parsed.result;
      else this.badRows.skipped('probe_results', parsed.id, parsed.reason);
    }
  }

  /** The first readable row `sql` selects; leaving the loop closes the statement's iterator. */
  private first(sql: string, ...params: unknown[]): ProbeResult | undefined {
    for (const result of this.readable(this.statement(sql).iterate(...params))) return result;
    return undefined;
  }

  /** Changes whenever this process records a result (another writer's show within READ_CACHE_MS). */
  get version(): number {
    return this.recorded;
  }

  record(result: ProbeResult): void {
    this.recorded += 1;
    this.reads.clear();
    this.statement(`INSERT INTO probe_results (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`).run(
      result.probeId,
      result.status,
      result.measurement ? JSON.stringify(result.measurement) : null,
      result.measuredAt,
      Math.round(result.durationMs),
      result.error ?? null,
    );
  }

  latest(probeId: string): ProbeResult | undefined {
    return this.cached(`latest\n${probeId}`, () =>
      this.first(`SELECT id, ${COLUMNS} FROM probe_results WHERE probe_id = ? ORDER BY id DESC`, probeId),
    );
  }

  /** The newest result that measured something (not an error), for trends across failures. */
  latestMeasured(probeId: string, atOrBefore?: string): ProbeResult | undefined {
    return this.cached(`measured\n${probeId}\n${atOrBefore ?? ''}`, () =>
      this.first(
        `SELECT id, ${COLUMNS} FROM probe_results
         WHERE probe_id = ? AND measurement IS NOT NULL AND measured_at <= ?
         ORDER BY id DESC`,
        probeId,
        atOrBefore ?? '9999',
      ),
    );
  }

  /** Results with a measurement, oldest first, at most `limit` of the newest. */
  history(probeId: string, limit = 24): readonly ProbeResult[] {
    return this.cached(`history\n${probeId}\n${limit}`, () => [
      ...this.readable(
        this.statement(
          `SELECT id, ${COLUMNS} FROM (
             SELECT id, ${COLUMNS} FROM probe_results WHERE probe_id = ? AND measurement IS NOT NULL
             ORDER BY id DESC LIMIT ?
           ) ORDER BY id ASC`,
        ).all(probeId, limit),
      ),
    ]);
  }

  /** The last error result newer than the last success, if the probe is currently failing. */
  lastError(probeId: string): ProbeResult | undefined {
    return this.first(
      `SELECT id, ${COLUMNS} FROM probe_results WHERE probe_id = ? AND error IS NOT NULL ORDER BY id DESC`,
      probeId,
    );
  }
}
