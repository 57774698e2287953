// A bot in HTTP mode with the fake Slack and a fake Notion holding the team's Issues+Questions
// data source, driven in process: what the tests of the Notion loop (checks, sync, closing) share.

import type { StartOptions } from '../../src/runtime.js';
import { type HttpBot, startHttpBot } from './bot.js';
import { type FakeDataSource, FakeNotion } from './fake-notion.js';
import { InProcess } from './in-process.js';

export interface IssuesBot {
  readonly notion: FakeNotion;
  readonly issues: FakeDataSource;
  readonly bot: HttpBot;
  readonly inProcess: InProcess;
  stop(): Promise<void>;
}

export async function startIssuesBot(options: {
  /** audit-bot.yml, given the Issues data source id (without dashes, as people paste it). */
  readonly configYaml: (dataSourceId: string) => string;
  /** The data source has an Assignee (people) property too. */
  readonly assignee?: boolean;
  /** Start the fake's clock at the real time (for the poll, which compares edit times). */
  readonly realClock?: boolean;
  readonly waits?: StartOptions['waits'];
}): Promise<IssuesBot> {
  const notion = await FakeNotion.start({
    requestsPerSecond: Number.POSITIVE_INFINITY,
    retryAfterSeconds: 0,
    ...(options.realClock ? { clockStart: Date.now() } : {}),
  });
  try {
    const issues = notion.addIssuesDataSource({ assignee: options.assignee ?? false });
    const bot = await startHttpBot({
      configYaml: options.configYaml(issues.id.replaceAll('-', '')),
      env: { NOTION_TOKEN: notion.token, NOTION_BASE_URL: notion.url },
      ...(options.waits ? { waits: options.waits } : {}),
    });
    return {
      notion,
      issues,
      bot,
      inProcess: new InProcess(bot.test.bot.app, bot.slack),
      async stop() {
        await bot.stop();
        await notion.stop();
      },
    };
  } catch (error) {
    await notion.stop();
    throw error;
  }
}
