// Per-page state of Notion probes: which pages exist and whether each is covered, so an
// incremental scan (pages edited since the last one) can update exact counts.

import type { Store } from '../store/store.js';

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
    const row = this.store.db
      .prepare<[string], { data_source_id: string; last_full_scan_at: string; edited_watermark: string }>(
        'SELECT data_source_id, last_full_scan_at, edited_watermark FROM notion_scans WHERE probe_id = ?',
      )
      .get(probeId);
    return row
      ? {
          dataSourceId: row.data_source_id,
          lastFullScanAt: row.last_full_scan_at,
          editedWatermark: row.edited_watermark,
        }
      : undefined;
  }

  /** Replaces every page of the probe after a complete full scan, in one transaction. */
  replaceAll(probeId: string, pages: Iterable<PageState>, state: ScanState): void {
    this.store.transaction(() => {
      this.store.db.prepare('DELETE FROM notion_pages WHERE probe_id = ?').run(probeId);
      const insert = this.store.db.prepare(
        'INSERT INTO notion_pages (probe_id, page_id, covered, last_edited_time) VALUES (?, ?, ?, ?)',
      );
      for (const page of pages) insert.run(probeId, page.pageId, page.covered ? 1 : 0, page.lastEditedTime);
      this.saveState(probeId, state);
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
      const upsert = this.store.db.prepare(
        `INSERT INTO notion_pages (probe_id, page_id, covered, last_edited_time) VALUES (?, ?, ?, ?)
         ON CONFLICT(probe_id, page_id) DO UPDATE SET covered = excluded.covered, last_edited_time = excluded.last_edited_time`,
      );
      for (const page of changed) upsert.run(probeId, page.pageId, page.covered ? 1 : 0, page.lastEditedTime);
      const remove = this.store.db.prepare('DELETE FROM notion_pages WHERE probe_id = ? AND page_id = ?');
      for (const id of removed) remove.run(probeId, id);
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
