// `npm run bench`: the performance figures of issue #3, measured against local fakes at
// Notion's real rate (3 requests per second). Prints a table; asserts nothing.
//
//   1. full Notion scan of 21,125 rows: time against the rate-limit floor (goal: within 5%)
//   2. requests used by an incremental refresh after 50 edits (goal: at most 2)
//   3. /audit status acknowledgement latency p50/p99 while that scan runs (goal: p99 < 50 ms)

import { NOTION_REQUESTS_PER_SECOND } from '../src/notion/client.js';
import { startTestBot } from '../test/support/bot.js';
import { FakeNotion, notionValue } from '../test/support/fake-notion.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { postCommand } from '../test/support/sign.js';

const ROWS = 21_125;
const COVERED = 4_244;
const SECRET = 'bench-signing-secret';
const TOKEN = 'xoxb-bench';

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function main(): Promise<void> {
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
  const slack = await FakeSlack.start({ tokens: [TOKEN] });
  const test = await startTestBot({
    env: {
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      NOTION_TOKEN: notion.token,
      NOTION_BASE_URL: notion.url,
      LOG_LEVEL: 'warn',
    },
    startProbes: false,
    configYaml: `
probes:
  - id: fingerprint-coverage
    kind: notion
    data_source: "${library.id.replaceAll('-', '')}"
    covered_when: { property: Fingerprint, is_not_empty: true }
    target: 0.8
    timeout: 10m
`,
  });
  const events = `${test.bot.httpUrl}/slack/events`;
  const runner = test.bot.deps.runner;

  process.stdout.write(
    `Full scan of ${ROWS.toLocaleString('en-US')} rows at ${NOTION_REQUESTS_PER_SECOND} req/s (about 75 s)…\n`,
  );
  notion.resetStats();
  const started = performance.now();
  const scan = runner.run('fingerprint-coverage');

  // While the scan runs, /audit status is acknowledged from the store.
  const latencies: number[] = [];
  let scanning = true;
  void scan.finally(() => {
    scanning = false;
  });
  while (scanning && latencies.length < 2000) {
    const t0 = performance.now();
    const res = await postCommand(events, SECRET, {
      team_id: 'T0LOCAL',
      channel_id: 'C0BENCH',
      user_id: 'U0BENCH',
      command: '/audit',
      text: 'status',
      response_url: slack.newResponseUrl(),
      trigger_id: slack.newTriggerId(),
    });
    await res.arrayBuffer();
    latencies.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 50));
  }
  const result = await scan;
  const elapsedS = (performance.now() - started) / 1000;
  const scanRequests = notion.stats.requests;
  const floorS = (scanRequests - 3) / NOTION_REQUESTS_PER_SECOND;

  // 50 edits, then the next refresh (within full_scan_every) reads only what changed.
  for (const page of pages.slice(0, 50))
    notion.editPage(page, { Fingerprint: notionValue.richText('fp', 'AQADedit') });
  notion.resetStats();
  const incremental = await runner.run('fingerprint-coverage');
  const incrementalRequests = notion.stats.requests;

  latencies.sort((a, b) => a - b);
  const figure = (m: typeof result) =>
    m?.measurement?.kind === 'ratio'
      ? `${m.measurement.covered.toLocaleString('en-US')} / ${m.measurement.total.toLocaleString('en-US')}`
      : String(m?.error);
  const rows: Array<[string, string, string]> = [
    [
      'Notion full scan, 21,125 rows',
      `${elapsedS.toFixed(1)} s (${scanRequests} requests, ${notion.stats.rateLimited} answered 429)`,
      '',
    ],
    [
      '  rate-limit floor',
      `${floorS.toFixed(1)} s`,
      `${((elapsedS / floorS - 1) * 100).toFixed(1)}% above (goal ≤ 5%)`,
    ],
    ['  counted', figure(result), ''],
    [
      'Incremental refresh after 50 edits',
      `${incrementalRequests} request(s)`,
      `goal ≤ 2 · counted ${figure(incremental)}`,
    ],
    [
      '/audit status ack during the scan',
      `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
      `${latencies.length} commands (goal p99 < 50 ms)`,
    ],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write('\n');
  for (const [name, value, note] of rows)
    process.stdout.write(`${name.padEnd(width)}  ${value}${note ? `  — ${note}` : ''}\n`);

  await test.stop();
  await slack.stop();
  await notion.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
