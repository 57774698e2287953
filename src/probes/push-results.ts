// Results POSTed to /probes/:id/results, stored before the 202 (DESIGN.md gives the body).
// Rows are read back through the schema; an unreadable one is reported and skipped.

import { z } from 'zod';
import { BadRows } from '../kit/bad-rows.js';
import type { Store } from '../store/store.js';
import { parseJson } from './net.js';

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
      const json = parseJson(row.body);
      const parsed = pushResultSchema.safeParse(json);
      if (parsed.success) return { result: parsed.data, receivedAt: row.received_at };
      const reason = json === undefined ? 'body is not JSON' : 'body does not match the push result schema';
      this.badRows.skipped('push_results', row.id, reason);
    }
    return undefined;
  }
}
