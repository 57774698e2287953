// manifest.yml and the registered handlers must agree in both directions: a command Slack
// offers without a handler times out for the user; a handler without a manifest entry is dead.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { SUBCOMMANDS } from '../../src/ids.js';
import { LogCapture, startTestBot, type TestBot } from '../support/bot.js';
import { ROOT } from '../support/run-main.js';

const manifestSchema = z.object({
  features: z.object({
    app_home: z.object({ home_tab_enabled: z.boolean() }),
    slash_commands: z.array(
      z.object({ command: z.string(), usage_hint: z.string(), description: z.string() }),
    ),
    shortcuts: z.array(
      z.object({ name: z.string(), type: z.enum(['message', 'global']), callback_id: z.string() }),
    ),
  }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }) }),
  settings: z.object({
    event_subscriptions: z.object({ bot_events: z.array(z.string()) }),
    interactivity: z.object({ is_enabled: z.boolean() }),
    socket_mode_enabled: z.boolean(),
  }),
});

const manifest = manifestSchema.parse(parse(readFileSync(path.join(ROOT, 'manifest.yml'), 'utf8')));

describe('manifest.yml', () => {
  let test: TestBot;
  const input = new PassThrough();

  beforeAll(async () => {
    test = await startTestBot({ shellIo: { input, output: new LogCapture(), interactive: false } });
  });
  afterAll(async () => {
    input.end();
    await test.bot.finished;
    await test.stop();
  });

  it('lists exactly the registered commands, shortcuts and events', () => {
    const { registered } = test.bot;
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual(
      [...registered.commands].sort(),
    );
    expect(manifest.features.shortcuts.map((s) => s.callback_id).sort()).toEqual(
      [...registered.shortcuts].sort(),
    );
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual([...registered.events].sort());
  });

  it('has a handler that acknowledges every command and shortcut it lists', async () => {
    for (const command of manifest.features.slash_commands) {
      let acked = false;
      await test.bot.app.processEvent({
        body: {
          command: command.command,
          text: 'help',
          user_id: 'U0X',
          channel_id: 'C0X',
          team_id: 'T0LOCAL',
          response_url: 'http://127.0.0.1:9/none',
          trigger_id: 't',
        },
        ack: async () => {
          acked = true;
        },
      });
      expect(acked, command.command).toBe(true);
    }
    for (const shortcut of manifest.features.shortcuts) {
      let acked = false;
      await test.bot.app.processEvent({
        body: {
          type: shortcut.type === 'message' ? 'message_action' : 'shortcut',
          callback_id: shortcut.callback_id,
          team: { id: 'T0LOCAL' },
          user: { id: 'U0X', team_id: 'T0LOCAL' },
          channel: { id: 'C0X' },
          message: { ts: '1.0', text: 'x' },
          trigger_id: 't',
          response_url: 'http://127.0.0.1:9/none',
        },
        ack: async () => {
          acked = true;
        },
      });
      expect(acked, shortcut.callback_id).toBe(true);
    }
  });

  it('turns on what the handlers need: Home tab, interactivity, Socket Mode by default', () => {
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.oauth_config.scopes.bot).toEqual([
      'commands',
      'chat:write',
      'chat:write.public',
      'usergroups:read',
    ]);
    for (const command of manifest.features.slash_commands) {
      for (const sub of SUBCOMMANDS) expect(command.usage_hint).toContain(sub);
    }
  });
});
