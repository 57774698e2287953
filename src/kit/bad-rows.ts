// Rows of the store that can no longer be read (a hand edit, a crash mid-write, an older
// version's format): readers skip them and report each one here, once per process, so the
// reason is in the log and the count in /metrics, and no loop or answer dies from one row.

import type { Counter } from 'prom-client';
import type { z } from 'zod';

export interface BadRowLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export class BadRows {
  private readonly seen = new Set<string>();

  constructor(
    private readonly logger?: BadRowLog,
    private readonly counter?: Counter<'table'>,
  ) {}

  /** Reports a row that was skipped because of `reason`; repeats of the same row stay quiet. */
  skipped(table: string, id: number | string, reason: string): void {
    const key = `${table}:${id}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.counter?.inc({ table });
    this.logger?.warn(
      { table, row: id, reason },
      `skipped an unreadable row of ${table} (id ${id}): ${reason}`,
    );
  }
}

/** Why a row failed its schema, for the log: each problem as `column: message`. */
export function rowProblem(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ');
}
