// Shell mode's demo Eagle when its port is taken (another copy of the bot, a parallel test run):
// the second copy serves the same items on a free port and points its probes there, so it never
// measures through the first copy's server, which stops with it.

import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { LogCapture, startTestBot, type TestBot } from '../support/bot.js';
import { freePort } from '../support/run-main.js';

describe('demo Eagle port taken', () => {
  const bots: TestBot[] = [];

  afterAll(async () => {
    for (const bot of bots) await bot.stop();
  });

  const start = async (port: number) => {
    const input = new PassThrough();
    const bot = await startTestBot({
      shellIo: { input, output: new LogCapture(), interactive: false },
      startProbes: false,
      configYaml: `
probes:
  - { id: fingerprints, kind: eagle, url: "http://127.0.0.1:${port}", covered_when: { tag_prefix: "fp:" }, target: 0.8 }
demo:
  eagle: { port: ${port}, items: 2112, fingerprinted: 424 }
`,
    });
    bots.push(bot);
    return { bot, input };
  };

  it('serves the second copy on a free port, which keeps measuring after the first stops', async () => {
    const port = await freePort();
    const first = await start(port);
    const second = await start(port);
    expect(second.bot.logs.text).toMatch(/demo Eagle answers at http:\/\/127\.0\.0\.1:\d+ instead/);
    for (const { bot } of [first, second])
      await expect(bot.bot.deps.runner.run('fingerprints')).resolves.toMatchObject({
        status: 'below_target',
        measurement: { kind: 'ratio', covered: 424, total: 2112 },
      });
    first.input.end();
    await first.bot.bot.finished;
    await first.bot.stop();
    bots.shift();
    await expect(second.bot.bot.deps.runner.run('fingerprints')).resolves.toMatchObject({
      measurement: { kind: 'ratio', covered: 424, total: 2112 },
    });
    second.input.end();
    await second.bot.bot.finished;
  });
});
