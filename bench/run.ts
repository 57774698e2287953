// `npm run bench`: the performance figures of issue #3, measured against local fakes at
// Notion's real rate (3 requests per second). Prints a table; asserts nothing.
//
//   1. full Notion scan of 21,125 rows: time against the rate-limit floor (goal: within 5%)
//   2. requests used by an incremental refresh after 50 edits (goal: at most 2)
//   3. /audit status acknowledgement latency p50/p99 while that scan runs (goal: p99 < 50 ms)
//   4. alerts accepted per second (POST /alerts, stored durably before each 202)
//   5. webhook-to-Slack latency p50/p99 for alerts spread over channels within Slack's rate
//   6. the ack path against a bare Bolt app, each its own process (bench/ack.ts; issue #13)
//
// `-- --ack-only` and `-- --alerts-only` run one part; `-- --profile` writes a CPU profile of the
// bot in the ack comparison to bench/profiles/.

import { NOTION_REQUESTS_PER_SECOND } from '../src/kit/notion.js';
import { startTestBot } from '../test/support/bot.js';
import { notionValue } from '../test/support/fake-notion.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { benchAck } from './ack.js';
import { percentile, printRows, ROWS, type Row, SECRET, startLibrary, TOKEN, timedStatus } from './common.js';

async function main(): Promise<void> {
  if (process.argv.includes('--ack-only')) {
    printRows(await benchAck());
    return;
  }
  if (process.argv.includes('--alerts-only')) {
    printRows(await benchAlerts());
    return;
  }
  const { notion, library, pages } = await startLibrary();
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
    latencies.push(await timedStatus(events, slack));
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
  const rows: Row[] = [
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
  process.stdout.write('\n');
  printRows(rows);

  await test.stop();
  await slack.stop();
  await notion.stop();

  printRows(await benchAlerts());
  printRows(await benchAck());
}

const WEBHOOK = 'bench-webhook-token-0123456789';
const CHANNELS = Array.from({ length: 10 }, (_, i) => `C0TEAM${i}`);

async function benchAlerts(): Promise<Row[]> {
  const slack = await FakeSlack.start({ tokens: [TOKEN] });
  const routes = CHANNELS.map((c, i) => `    - { match: { team: t${i} }, channel: ${c} }`).join('\n');
  const test = await startTestBot({
    env: {
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      AUDIT_BOT_WEBHOOK_TOKEN: WEBHOOK,
      LOG_LEVEL: 'warn',
    },
    startProbes: false,
    // The cap on open groups per source holds a flood back by design; this measures the relay
    // itself, so the cap is set above what the bench sends.
    configYaml: `alerts:\n  default_channel: C0ALERTS\n  max_open_groups_per_source: 10000\n  routes:\n${routes}\n`,
  });
  const url = `${test.bot.httpUrl}/alerts`;
  const send = (body: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${WEBHOOK}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.status);

  // Acceptance: 2,000 alerts from 20 concurrent senders, each stored before its 202.
  process.stdout.write('Alert relay: accepting 2,000 alerts, then timing 100 deliveries (about 25 s)…\n');
  const total = 2000;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < total) {
        const i = next++;
        const status = await send({
          title: `Accept ${i}`,
          key: `accept-${i}`,
          status: 'firing',
          labels: { team: 'accept' },
        });
        if (status !== 202) throw new Error(`alert answered ${status}`);
      }
    }),
  );
  const acceptSeconds = (performance.now() - t0) / 1000;

  // Latency: 100 alerts at 4 per second over 10 channels (0.4 per channel per second).
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  slack.on('call', (call) => {
    if (call.method !== 'chat.postMessage' || call.body.thread_ts) return;
    const text = String(call.body.text ?? '');
    const match = /Latency (\d+)/.exec(text);
    const started = match ? sentAt.get(match[1] as string) : undefined;
    if (started !== undefined) latencies.push(performance.now() - started);
  });
  for (let i = 0; i < 100; i += 1) {
    sentAt.set(String(i), performance.now());
    await send({
      title: `Latency ${i}`,
      key: `latency-${i}`,
      status: 'firing',
      labels: { team: `t${i % 10}` },
    });
    await new Promise((r) => setTimeout(r, 250));
  }
  const deadline = Date.now() + 20_000;
  while (latencies.length < 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  latencies.sort((a, b) => a - b);
  await test.stop();
  await slack.stop();
  return [
    [
      'Alerts accepted',
      `${Math.round(total / acceptSeconds)} per second`,
      `${total} alerts, 20 concurrent senders, each durable before 202`,
    ],
    [
      'Alert webhook → Slack',
      `p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms`,
      `${latencies.length} of 100 delivered, 10 channels within 1 msg/s each`,
    ],
  ];
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
