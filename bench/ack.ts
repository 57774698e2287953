// The ack path against a bare Bolt app (issue #13): both run as their own processes on this
// machine, get the same signed `/audit status` requests (500 from 20 concurrent clients), alone
// and together, while the bot runs a full Notion scan at Notion's rate. Also the bot's
// event-loop delay during the scan (from its /metrics) and both processes' RSS after it.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeSlack } from '../test/support/fake-slack.js';
import { freePort, ROOT, startMainProcess } from '../test/support/run-main.js';
import { percentile, type Row, SECRET, startLibrary, TOKEN, timedStatus } from './common.js';

const REQUESTS = 500;
const CLIENTS = 20;
const PROFILE_DIR = path.join(ROOT, 'bench', 'profiles');

async function startBareBolt(slackApiUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'bench', 'bare-bolt.mjs')], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slackApiUrl,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`bare Bolt exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}/slack/events` };
}

/** `requests` signed `/audit status` commands from `clients` concurrent clients; latencies sorted. */
async function load(
  url: string,
  slack: FakeSlack,
  requests = REQUESTS,
  clients = CLIENTS,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < requests) {
        next += 1;
        latencies.push(await timedStatus(url, slack));
      }
    }),
  );
  return latencies.sort((a, b) => a - b);
}

function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** Values of `names` from one scrape of /metrics (a scrape resets the event-loop histogram). */
async function metrics(url: string, ...names: string[]): Promise<number[]> {
  const lines = (await (await fetch(`${url}/metrics`)).text()).split('\n');
  return names.map((name) =>
    Number(lines.find((l) => l.startsWith(`${name} `))?.split(' ')[1] ?? Number.NaN),
  );
}

const ms = (sorted: readonly number[]) =>
  `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms`;
const ratio = (bot: readonly number[], bare: readonly number[]) =>
  `${(percentile(bot, 99) / percentile(bare, 99)).toFixed(2)}× bare Bolt's p99`;

export async function benchAck(): Promise<Row[]> {
  const { notion, library } = await startLibrary();
  const slack = await FakeSlack.start({ tokens: [TOKEN] });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'audit-bot-bench-'));
  const config = path.join(dir, 'audit-bot.yml');
  writeFileSync(
    config,
    `probes:
  - id: fingerprint-coverage
    kind: notion
    data_source: "${library.id.replaceAll('-', '')}"
    covered_when: { property: Fingerprint, is_not_empty: true }
    target: 0.8
    refresh: "0 0 1 1 *"
    timeout: 10m
`,
  );
  const bare = await startBareBolt(slack.apiUrl);
  // Warm both up (JIT, connection pools) before anything is measured.
  await load(bare.url, slack, 100);
  process.stdout.write('Ack path: the bot and a bare Bolt app, each alone and together (about 3 minutes)…\n');

  // The bot starts its full scan as soon as it is up; the first phase runs without it.
  const bareAlone = await load(bare.url, slack);
  const bot = await startMainProcess(
    {
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      NOTION_TOKEN: notion.token,
      NOTION_BASE_URL: notion.url,
      AUDIT_BOT_CONFIG: config,
      AUDIT_BOT_DB: path.join(dir, 'audit-bot.db'),
      LOG_LEVEL: 'warn',
    },
    {
      // What `npm start` runs: the build, by node itself.
      build: true,
      timeoutMs: 30_000,
      // `npm run bench -- --profile`: a CPU profile of the bot, written when it stops.
      nodeArgs: process.argv.includes('--profile') ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
    },
  );
  const events = `${bot.url}/slack/events`;
  try {
    await load(events, slack, 100);
    // Reading /metrics resets the event-loop histogram: what follows covers the scan only.
    await metrics(bot.url);
    const botAlone = await load(events, slack);
    const [botTogether, bareTogether] = await Promise.all([load(events, slack), load(bare.url, slack)]);
    const lag = async () =>
      (
        await metrics(
          bot.url,
          'audit_bot_nodejs_eventloop_lag_p99_seconds',
          'audit_bot_nodejs_eventloop_lag_max_seconds',
        )
      ).map((seconds) => (seconds * 1000).toFixed(1));
    const [loadedP99, loadedMax] = await lag();
    // The rest of the scan runs with no requests: its own effect on the event loop.
    for (;;) {
      const requests = notion.stats.requests;
      await new Promise((r) => setTimeout(r, 2000));
      if (notion.stats.requests === requests) break;
    }
    const [scanP99, scanMax] = await lag();
    const botRss = rssMb(bot.child.pid);
    const bareRss = rssMb(bare.child.pid);
    return [
      ['Ack, bare Bolt alone', ms(bareAlone), `${REQUESTS} requests, ${CLIENTS} clients`],
      ['Ack, the bot alone during a scan', ms(botAlone), `${ratio(botAlone, bareAlone)} (goal p99 < 50 ms)`],
      ['Ack, both loaded together', `bot ${ms(botTogether)}`, `bare ${ms(bareTogether)}`],
      ['  ratio', ratio(botTogether, bareTogether), 'goal ≤ 1.10×'],
      ['Event-loop delay, scan alone', `p99 ${scanP99} ms, max ${scanMax} ms`, 'goal p99 < 20 ms'],
      [
        'Event-loop delay, scan and load',
        `p99 ${loadedP99} ms, max ${loadedMax} ms`,
        'the loop is never idle then',
      ],
      [
        'RSS after the scan',
        `bot ${botRss.toFixed(0)} MB, bare Bolt ${bareRss.toFixed(0)} MB`,
        'goal < 120 MB',
      ],
    ];
  } finally {
    bot.child.kill('SIGTERM');
    await bot.exited;
    bare.child.kill('SIGTERM');
    await slack.stop();
    await notion.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
