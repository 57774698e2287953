// What the parts of `npm run bench` share: the Notion library of the fixture report's size, the
// credentials of the fakes, one timed `/audit status`, and how figures are printed.

import { NOTION_REQUESTS_PER_SECOND } from '../src/kit/notion.js';
import { FakeNotion, notionValue } from '../test/support/fake-notion.js';
import type { FakeSlack } from '../test/support/fake-slack.js';
import { postCommand } from '../test/support/sign.js';

export const ROWS = 21_125;
export const COVERED = 4_244;
export const SECRET = 'bench-signing-secret';
export const TOKEN = 'xoxb-bench';

/** One printed figure: what, its value, and a note (the goal, how it was measured). */
export type Row = [name: string, value: string, note: string];

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export function printRows(rows: readonly Row[]): void {
  for (const [name, value, note] of rows)
    process.stdout.write(`${name.padEnd(36)}  ${value}${note ? `  — ${note}` : ''}\n`);
}

/**
 * A fake Notion at Notion's own rate holding the Eagle library's 21,125 tracks, 4,244 of them
 * fingerprinted, as a data source with a Fingerprint property.
 */
export async function startLibrary() {
  const notion = await FakeNotion.start({
    requestsPerSecond: NOTION_REQUESTS_PER_SECOND,
    burst: 3,
    retryAfterSeconds: 1,
  });
  const library = notion.addDataSource({
    Name: { id: 'title', type: 'title' },
    Fingerprint: { id: 'fp', type: 'rich_text' },
  });
  const pages = notion.addPages(library, ROWS, (i) => ({
    Name: notionValue.title(`Track ${i}`),
    Fingerprint: notionValue.richText('fp', (i * COVERED) % ROWS < COVERED ? `AQAD${i}` : ''),
  }));
  return { notion, library, pages };
}

/** One signed `/audit status` as Slack sends it; milliseconds until its ack arrived. */
export async function timedStatus(url: string, slack: FakeSlack): Promise<number> {
  const t0 = performance.now();
  const res = await postCommand(url, SECRET, {
    team_id: 'T0LOCAL',
    channel_id: 'C0BENCH',
    user_id: 'U0BENCH',
    command: '/audit',
    text: 'status',
    response_url: slack.newResponseUrl(),
    trigger_id: slack.newTriggerId(),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`ack answered ${res.status}`);
  return performance.now() - t0;
}
