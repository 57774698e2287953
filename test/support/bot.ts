// Starts a real bot in this process for end-to-end tests: a temporary SQLite file, port 0,
// the given transport, and log lines captured so tests can check what was (not) logged.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { type Config, loadEnv, parseConfig, secretValues } from '../../src/config/index.js';
import { createLogger } from '../../src/kit/logger.js';
import { SecretMasker } from '../../src/kit/secrets.js';
import { type RunningBot, type ShellIo, type StartOptions, startBot } from '../../src/runtime.js';
import { FakeSlack, type FakeSlackOptions } from './fake-slack.js';
import { TEST_FILES_ENV } from './global-setup.js';

export const TEST_CONFIG = `
timezone: Europe/Berlin
slack:
  channels: { digest: C0DIGEST, alerts: C0ALERTS, issues: C0ISSUES }
  approvers: [U0APPROVER]
`;

export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface TestBot {
  readonly bot: RunningBot;
  readonly logs: LogCapture;
  readonly dir: string;
  stop(): Promise<void>;
}

export interface TestBotOptions {
  readonly env?: Record<string, string>;
  readonly configYaml?: string;
  readonly shellIo?: ShellIo;
  /** Process metrics (CPU, memory, event loop) on /metrics; off by default to keep tests light. */
  readonly processMetrics?: boolean;
  /** Measure probes at start and on their schedules (default on, as in production). */
  readonly startProbes?: boolean;
  /** The bot's clock, for tests that let time pass without waiting (default: the real one). */
  readonly now?: () => Date;
  /** Shorter waits than production's, for tests that would otherwise sit them out. */
  readonly waits?: StartOptions['waits'];
}

/** A new folder under the test run's (see global-setup.ts), removed when the run ends. */
export function tempDir(): string {
  return mkdtempSync(path.join(process.env[TEST_FILES_ENV] ?? tmpdir(), 'audit-bot-test-'));
}

export function testConfig(yaml: string, dir: string): Config {
  return parseConfig(yaml, path.join(dir, 'audit-bot.yml'));
}

export async function startTestBot(options: TestBotOptions = {}): Promise<TestBot> {
  const dir = tempDir();
  const logs = new LogCapture();
  const env = loadEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    AUDIT_BOT_DB: path.join(dir, 'bot.db'),
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const bot = await startBot({
    env,
    config: testConfig(options.configYaml ?? TEST_CONFIG, dir),
    // As main.ts builds it: known secret values are masked in every line.
    logger: createLogger({
      level: 'debug',
      pretty: false,
      destination: logs,
      secrets: new SecretMasker(secretValues(env)),
    }),
    processMetrics: options.processMetrics ?? false,
    ...(options.startProbes !== undefined ? { startProbes: options.startProbes } : {}),
    ...(options.shellIo ? { shellIo: options.shellIo } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.waits ? { waits: options.waits } : {}),
  });
  return {
    bot,
    logs,
    dir,
    async stop() {
      await bot.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A bot in HTTP mode with its fake Slack, for end-to-end tests of Slack and webhooks. */
export interface HttpBot {
  readonly slack: FakeSlack;
  readonly test: TestBot;
  /** Signing secret of /slack/events, for postCommand / postInteraction / postEvent. */
  readonly secret: string;
  /** URL of /slack/events. */
  readonly events: string;
  /** POSTs to a webhook route with the bearer token; a string body is sent as it is. */
  webhook(route: string, body: unknown): Promise<Response>;
  stop(): Promise<void>;
}

export const HTTP_BOT = {
  token: 'xoxb-http-test-bot',
  secret: 'http-test-signing-secret',
  webhookToken: 'http-test-webhook-token-0123456789',
} as const;

export async function startHttpBot(options: {
  readonly configYaml: string;
  readonly env?: Record<string, string>;
  readonly slack?: FakeSlackOptions;
  readonly startProbes?: boolean;
  readonly waits?: StartOptions['waits'];
}): Promise<HttpBot> {
  const slack = await FakeSlack.start({ tokens: [HTTP_BOT.token], ...options.slack });
  let test: TestBot;
  try {
    test = await startTestBot({
      env: {
        SLACK_BOT_TOKEN: HTTP_BOT.token,
        SLACK_SIGNING_SECRET: HTTP_BOT.secret,
        SLACK_API_URL: slack.apiUrl,
        AUDIT_BOT_WEBHOOK_TOKEN: HTTP_BOT.webhookToken,
        ...options.env,
      },
      configYaml: options.configYaml,
      startProbes: options.startProbes ?? false,
      ...(options.waits ? { waits: options.waits } : {}),
    });
  } catch (error) {
    await slack.stop();
    throw error;
  }
  return {
    slack,
    test,
    secret: HTTP_BOT.secret,
    events: `${test.bot.httpUrl}/slack/events`,
    webhook: (route, body) =>
      fetch(`${test.bot.httpUrl}${route}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${HTTP_BOT.webhookToken}`, 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async stop() {
      await test.stop();
      await slack.stop();
    },
  };
}
