// The notion probe against the fake Notion server over real HTTP, with the real
// @notionhq/client and a real SQLite file: exact counts past the per-query result cap, incremental
// refreshes, reconciliation, rate limits and failures.

import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@notionhq/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { createNotionClient } from '../../src/kit/notion.js';
import { createNotionProbe } from '../../src/probes/notion.js';
import { type Probe, ProbeError } from '../../src/probes/types.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../support/bot.js';
import { type FakeDataSource, FakeNotion, type FakePage, notionValue } from '../support/fake-notion.js';

/** Whether the fake page currently has a fingerprint. */
function fingerprinted(page: FakePage): number {
  const value = page.properties.Fingerprint?.rich_text;
  return Array.isArray(value) ? value.length : 0;
}

const SCHEMA = { Name: { id: 'title', type: 'title' }, Fingerprint: { id: 'fp%3A', type: 'rich_text' } };

function probeConfig(dataSource: string, extra = '') {
  const config = parseConfig(
    `probes:\n  - { id: fingerprint-coverage, kind: notion, data_source: "${dataSource}", covered_when: { property: Fingerprint, is_not_empty: true }, target: 0.8${extra} }`,
    '/tmp/audit-bot.yml',
  );
  const probe = config.probes[0];
  if (probe?.kind !== 'notion') throw new Error('not a notion probe');
  return probe;
}

/**
 * Notion answers at most 10,000 rows per query; neither the client nor the probe knows that
 * number, they follow Notion's `request_status: incomplete`. A cap of 1,000 in the fake takes the
 * same created_time windows with a tenth of the rows (the scans of 21,125 pages took most of this
 * file's 20 s of CPU).
 */
const RESULT_CAP = 1000;
/** More than twice the cap: a full scan takes three windows. */
const PAGES = 2125;
/** A fifth of them fingerprinted, about the audit report's share (4,244 of 21,125). */
const FINGERPRINTED = 425;

describe('notion probe', () => {
  let notion: FakeNotion;
  let client: Client;
  let library: FakeDataSource;
  let pages: FakePage[];
  let dir: string;
  let store: Store;
  let clock: Date;
  const now = () => clock;
  const run = (probe: Probe, signal = new AbortController().signal) => probe.run({ signal, now });

  beforeAll(async () => {
    // Fast enough for the suite; `npm run bench` measures at Notion's real 3 requests/second.
    notion = await FakeNotion.start({
      requestsPerSecond: Number.POSITIVE_INFINITY,
      retryAfterSeconds: 0,
      resultCap: RESULT_CAP,
    });
    client = createNotionClient({
      token: notion.token,
      baseUrl: notion.url,
      requestsPerSecond: Number.POSITIVE_INFINITY,
    });
    library = notion.addDataSource(SCHEMA, 'Eagle library');
    pages = notion.addPages(library, PAGES, (i) => ({
      Name: notionValue.title(`Track ${i}`),
      Fingerprint: notionValue.richText(
        'fp%3A',
        (i * FINGERPRINTED) % PAGES < FINGERPRINTED ? `AQADtE${i}` : '',
      ),
    }));
  });

  afterAll(async () => {
    await notion?.stop();
  });

  beforeEach(() => {
    dir = tempDir();
    store = Store.open(path.join(dir, 'bot.db'));
    clock = new Date('2026-01-18T10:00:00Z');
    notion.setRate(Number.POSITIVE_INFINITY);
    notion.resetStats();
    return () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    };
  });

  it('counts exactly past the per-query result cap', async () => {
    const probe = createNotionProbe(probeConfig(library.id), { client, store, now });
    const covered = pages.filter((p) => fingerprinted(p) > 0).length;
    expect(covered).toBe(FINGERPRINTED);
    await expect(run(probe)).resolves.toEqual({ kind: 'ratio', covered: FINGERPRINTED, total: PAGES });
    // 1 schema read + at least 22 pages of 100, across more than one created_time window.
    expect(notion.stats.queries).toBeGreaterThanOrEqual(Math.ceil(PAGES / 100));
    const windows = notion.log.filter((l) => l.path.includes('/query')).length;
    expect(windows).toBe(notion.stats.queries);
  });

  it('accepts a database id and resolves it to its data source', async () => {
    const probe = createNotionProbe(probeConfig(library.databaseId), { client, store, now });
    await expect(run(probe)).resolves.toMatchObject({ covered: FINGERPRINTED, total: PAGES });
  });

  it('refreshes incrementally: 50 edits cost at most 2 requests and move the counts', async () => {
    const probe = createNotionProbe(probeConfig(library.id), { client, store, now });
    await run(probe);
    const uncovered = pages.filter((p) => !p.in_trash && fingerprinted(p) === 0);
    const coveredPages = pages.filter((p) => !p.in_trash && fingerprinted(p) > 0);
    for (const page of uncovered.slice(0, 40))
      notion.editPage(page, { Fingerprint: notionValue.richText('fp%3A', 'AQADnew') });
    for (const page of coveredPages.slice(0, 10))
      notion.editPage(page, { Fingerprint: notionValue.richText('fp%3A', '') });
    clock = new Date(clock.getTime() + 30 * 60_000);
    notion.resetStats();
    await expect(run(probe)).resolves.toEqual({
      kind: 'ratio',
      covered: FINGERPRINTED + 40 - 10,
      total: PAGES,
    });
    expect(notion.stats.requests).toBeLessThanOrEqual(2);
    // Put them back for the other tests.
    for (const page of uncovered.slice(0, 40))
      notion.editPage(page, { Fingerprint: notionValue.richText('fp%3A', '') });
    for (const page of coveredPages.slice(0, 10))
      notion.editPage(page, { Fingerprint: notionValue.richText('fp%3A', 'AQADback') });
  });

  it('drops trashed pages at the periodic full reconcile', async () => {
    const probe = createNotionProbe(probeConfig(library.id, ', full_scan_every: 1d'), { client, store, now });
    await run(probe);
    const extra = notion.addPages(library, 3, (i) => ({
      Name: notionValue.title(`New ${i}`),
      Fingerprint: notionValue.richText('fp%3A', 'AQADx'),
    }));
    clock = new Date(clock.getTime() + 60 * 60_000);
    await expect(run(probe)).resolves.toEqual({
      kind: 'ratio',
      covered: FINGERPRINTED + 3,
      total: PAGES + 3,
    });
    for (const page of extra) notion.trashPage(page);
    // Trashed pages no longer appear in queries, so only the full scan notices them.
    clock = new Date(clock.getTime() + 25 * 3_600_000);
    await expect(run(probe)).resolves.toEqual({ kind: 'ratio', covered: FINGERPRINTED, total: PAGES });
  });

  it('slows down on 429 + Retry-After but never fails the scan', async () => {
    // A quota, not a time-based bucket: the 429s come whatever the machine's speed.
    notion.setQuota(10, 1);
    const probe = createNotionProbe(probeConfig(library.id), { client, store, now });
    await expect(run(probe)).resolves.toEqual({ kind: 'ratio', covered: FINGERPRINTED, total: PAGES });
    // About 24 requests: refused after the 10th and the 20th accepted one.
    expect(notion.stats.rateLimited).toBeGreaterThanOrEqual(2);
    // Every retry waited for the Retry-After it was given.
    expect(notion.stats.early).toBe(0);
  });

  it('names a missing property and lists the ones there are', async () => {
    const config = parseConfig(
      `probes:\n  - { id: fp, kind: notion, data_source: "${library.id}", covered_when: { property: Fingerprnt, is_not_empty: true } }`,
      '/tmp/a.yml',
    ).probes[0];
    if (config?.kind !== 'notion') throw new Error('bad config');
    const probe = createNotionProbe(config, { client, store, now });
    await expect(run(probe)).rejects.toThrow(
      'the data source has no property "Fingerprnt" (it has: Fingerprint, Name)',
    );
  });

  it('keeps the last complete counts when a scan is stopped midway', async () => {
    const probe = createNotionProbe(probeConfig(library.id), { client, store, now });
    await run(probe);
    clock = new Date(clock.getTime() + 2 * 86_400_000);
    const controller = new AbortController();
    // Stopped while the third of its pages is on the way: midway, however fast the machine.
    let queries = 0;
    notion.onQuery = () => {
      queries += 1;
      if (queries === 3) controller.abort();
    };
    try {
      await expect(run(probe, controller.signal)).rejects.toBeInstanceOf(ProbeError);
    } finally {
      notion.onQuery = undefined;
    }
    // The aborted full scan committed nothing: the previous full counts are still there.
    const again = createNotionProbe(probeConfig(library.id), { client, store, now });
    clock = new Date(clock.getTime() - 2 * 86_400_000 + 60_000);
    await expect(run(again)).resolves.toEqual({ kind: 'ratio', covered: FINGERPRINTED, total: PAGES });
  });

  it('reports a rejected token without repeating it', async () => {
    const wrong = createNotionClient({
      token: 'secret_WRONG_TOKEN',
      baseUrl: notion.url,
      requestsPerSecond: Number.POSITIVE_INFINITY,
    });
    const probe = createNotionProbe(probeConfig(library.id), { client: wrong, store, now });
    const error = await run(probe).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ProbeError);
    expect((error as Error).message).toContain('Notion rejected the token (NOTION_TOKEN)');
    expect((error as Error).message).not.toContain('WRONG');
  });

  it('reports an unknown data source clearly', async () => {
    const probe = createNotionProbe(probeConfig('0123456789abcdef0123456789abcdef'), { client, store, now });
    await expect(run(probe)).rejects.toThrow(
      'Notion data source 0123456789abcdef0123456789abcdef not found, or not shared with the integration',
    );
  });
});
