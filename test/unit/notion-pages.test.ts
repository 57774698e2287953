import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotionPages, type PageState } from '../../src/probes/notion-pages.js';
import { Store } from '../../src/store/store.js';

const STATE = { dataSourceId: 'ds', lastFullScanAt: '2026-11-25T08:00:00.000Z', editedWatermark: 'w1' };
const page = (i: number, covered = i % 4 === 0, edited = '2026-11-01T00:00:00.000Z'): PageState => ({
  pageId: `page-${String(i).padStart(5, '0')}`,
  covered,
  lastEditedTime: edited,
});

describe('NotionPages.replaceAll', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-pages-'));
    store = Store.open(path.join(dir, 'bot.db'));
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const rows = () =>
    store.db
      .prepare(
        'SELECT page_id, covered, last_edited_time FROM notion_pages WHERE probe_id = ? ORDER BY page_id',
      )
      .all('fp');

  it('stores exactly the scanned pages, across several chunks, and the scan state last', async () => {
    const pages = new NotionPages(store);
    const first = Array.from({ length: 2_500 }, (_, i) => page(i));
    await pages.replaceAll('fp', first, STATE);
    expect(pages.counts('fp')).toEqual({ total: 2_500, covered: 625 });
    expect(pages.scanState('fp')).toEqual(STATE);

    // The next full scan: 500 pages gone, one edited and now covered, 10 new.
    const second = [
      ...first.slice(0, 2_000).map((p, i) => (i === 1 ? page(1, true, '2026-11-20T00:00:00.000Z') : p)),
      ...Array.from({ length: 10 }, (_, i) => page(10_000 + i, true)),
    ];
    await pages.replaceAll('fp', second, { ...STATE, editedWatermark: 'w2' });
    expect(pages.counts('fp')).toEqual({ total: 2_010, covered: 500 + 1 + 10 });
    expect(rows()).toEqual(
      second
        .map((p) => ({ page_id: p.pageId, covered: p.covered ? 1 : 0, last_edited_time: p.lastEditedTime }))
        .sort((a, b) => a.page_id.localeCompare(b.page_id)),
    );
    expect(pages.scanState('fp')?.editedWatermark).toBe('w2');
  });

  it('leaves the pages of other probes alone', async () => {
    const pages = new NotionPages(store);
    await pages.replaceAll('other', [page(1), page(2)], STATE);
    await pages.replaceAll('fp', [page(3)], STATE);
    await pages.replaceAll('fp', [], STATE);
    expect(pages.counts('other')).toEqual({ total: 2, covered: 0 });
    expect(pages.counts('fp')).toEqual({ total: 0, covered: 0 });
  });
});
