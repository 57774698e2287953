// Per-page state of Notion probes: which pages exist and whether each is covered, so an
// incremental scan (pages edited since the last one) can update exact counts.

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Store } from '../store/store.js';

/** Rows written per transaction by a full scan. */
const CHUNK = 1000;

export interface PageState {
  readonly pageId: string;
  readonly covered: boolean;
  readonly lastEditedTime: string;
}

export interface ScanState {
  readonly dataSourceId: string;
  readonly lastFullScanAt: string;
  readonly editedWatermark: string;
}

export class NotionPages {
  constructor(private readonly store: Store) {}

  counts(probeId: string): { total: number; covered: number } {
    const row = this.store.db
      .prepare<[string], { total: number; covered: number | null }>(
        'SELECT COUNT(*) AS total, SUM(covered) AS covered FROM notion_pages WHERE probe_id = ?',
      )
      .get(probeId);
    return { total: row?.total ?? 0, covered: row?.covered ?? 0 };
  }

  scanState(probeId: string): ScanState | undefined {
    return this.store.db
      .prepare<[string], ScanState>(
        `SELECT data_source_id AS dataSourceId, last_full_scan_at AS lastFullScanAt,
           edited_watermark AS editedWatermark FROM notion_scans WHERE probe_id = ?`,
      )
      .get(probeId);
  }

  /**
   * Makes the stored pages of the probe those of a complete full scan, then records the scan.
   * Only what differs is written (a daily full scan changes few pages), in transactions of
   * CHUNK rows with the event loop free between them: 21,000 rows in one transaction held it
   * for a tenth of a second. The scan state is written last, so a crash part-way leaves the
   * previous state, from which the next scan corrects whatever was written.
   */
  async replaceAll(probeId: string, pages: Iterable<PageState>, state: ScanState): Promise<void> {
    const stored = new Map<string, { covered: number; last_edited_time: string }>();
    const read = this.store.db.prepare<
      [string, string],
      { page_id: string; covered: number; last_edited_time: string }
    >(
      `SELECT page_id, covered, last_edited_time FROM notion_pages WHERE probe_id = ? AND page_id > ?
       ORDER BY page_id LIMIT ${CHUNK}`,
    );
    for (let after = ''; ; ) {
      const rows = read.all(probeId, after);
      for (const row of rows) stored.set(row.page_id, row);
      if (rows.length < CHUNK) break;
      after = rows[rows.length - 1]?.page_id ?? '';
      await yieldToEventLoop();
    }
    const changed: PageState[] = [];
    let compared = 0;
    for (const page of pages) {
      if (++compared % CHUNK === 0) await yieldToEventLoop();
      const before = stored.get(page.pageId);
      stored.delete(page.pageId);
      if (
        !before ||
        before.covered !== (page.covered ? 1 : 0) ||
        before.last_edited_time !== page.lastEditedTime
      )
        changed.push(page);
    }
    const removed = [...stored.keys()];
    for (let i = 0; i < Math.max(changed.length, removed.length); i += CHUNK) {
      this.write(probeId, changed.slice(i, i + CHUNK), removed.slice(i, i + CHUNK));
      await yieldToEventLoop();
    }
    this.saveState(probeId, state);
  }

  private write(probeId: string, changed: readonly PageState[], removed: readonly string[]): void {
    this.store.transaction(() => {
      const upsert = this.store.db.prepare(
        `INSERT INTO notion_pages (probe_id, page_id, covered, last_edited_time) VALUES (?, ?, ?, ?)
         ON CONFLICT(probe_id, page_id) DO UPDATE SET covered = excluded.covered, last_edited_time = excluded.last_edited_time`,
      );
      for (const page of changed) upsert.run(probeId, page.pageId, page.covered ? 1 : 0, page.lastEditedTime);
      const remove = this.store.db.prepare('DELETE FROM notion_pages WHERE probe_id = ? AND page_id = ?');
      for (const id of removed) remove.run(probeId, id);
    });
  }

  /** Applies pages seen by an incremental scan (and removes trashed ones), in one transaction. */
  applyChanges(
    probeId: string,
    changed: readonly PageState[],
    removed: readonly string[],
    watermark: string,
  ): void {
    this.store.transaction(() => {
      this.write(probeId, changed, removed);
      this.store.db
        .prepare('UPDATE notion_scans SET edited_watermark = ? WHERE probe_id = ?')
        .run(watermark, probeId);
    });
  }

  private saveState(probeId: string, state: ScanState): void {
    this.store.db
      .prepare(
        `INSERT INTO notion_scans (probe_id, data_source_id, last_full_scan_at, edited_watermark) VALUES (?, ?, ?, ?)
         ON CONFLICT(probe_id) DO UPDATE SET data_source_id = excluded.data_source_id,
           last_full_scan_at = excluded.last_full_scan_at, edited_watermark = excluded.edited_watermark`,
      )
      .run(probeId, state.dataSourceId, state.lastFullScanAt, state.editedWatermark);
  }
}
