// manifest.yml and the registered handlers must agree in both directions: a command Slack
// offers without a handler times out for the user; a handler without a manifest entry is dead.
// And its scopes must cover every Web API method the code calls (the end-to-end tests run
// against a fake Slack that grants only these scopes), and be the ones the README lists.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { SUBCOMMANDS } from '../../src/kit/ids.js';
import { classify } from '../../src/listeners/gate.js';
import { LogCapture, startTestBot, type TestBot } from '../support/bot.js';
import { ROOT } from '../support/run-main.js';
import { METHOD_SCOPES, scopeNeeded } from '../support/slack-scopes.js';

const manifestSchema = z.object({
  features: z.object({
    app_home: z.object({
      home_tab_enabled: z.boolean(),
      messages_tab_enabled: z.boolean(),
      messages_tab_read_only_enabled: z.boolean(),
    }),
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
      const body = {
        command: command.command,
        text: 'help',
        user_id: 'U0X',
        channel_id: 'C0X',
        team_id: 'T0LOCAL',
        response_url: 'http://127.0.0.1:9/none',
        trigger_id: `t-${command.command}`,
      };
      // Anything is acknowledged (unknown requests at once): a listener must claim it.
      expect(classify(body).handled, command.command).toBe(true);
      await test.bot.app.processEvent({
        body,
        ack: async () => {
          acked = true;
        },
      });
      expect(acked, command.command).toBe(true);
    }
    for (const shortcut of manifest.features.shortcuts) {
      let acked = false;
      const body = {
        type: shortcut.type === 'message' ? 'message_action' : 'shortcut',
        callback_id: shortcut.callback_id,
        team: { id: 'T0LOCAL' },
        user: { id: 'U0X', team_id: 'T0LOCAL' },
        channel: { id: 'C0X' },
        message: { ts: '1.0', text: 'x' },
        trigger_id: `t-${shortcut.callback_id}`,
        response_url: 'http://127.0.0.1:9/none',
      };
      expect(classify(body).handled, shortcut.callback_id).toBe(true);
      await test.bot.app.processEvent({
        body,
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
      'channels:history',
      'groups:history',
      'channels:join',
      'channels:read',
      'groups:read',
    ]);
    // Home-tab buttons answer by direct message: the Messages tab shows them, read-only.
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
    expect(manifest.features.app_home.messages_tab_read_only_enabled).toBe(true);
    for (const command of manifest.features.slash_commands) {
      for (const sub of SUBCOMMANDS) expect(command.usage_hint).toContain(sub);
    }
  });
});

/** Every `client.<family>.<method>(` in src/, the Web API calls the bot's code can make. */
function webApiCallsInSource(): Map<string, string[]> {
  const calls = new Map<string, string[]>();
  const files = readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.ts'),
  );
  for (const file of files) {
    const text = readFileSync(path.join(ROOT, 'src', file), 'utf8');
    // The Notion SDK's client has methods of the same shape (client.pages.create).
    if (text.includes("'@notionhq/client'") || text.includes('/kit/notion.js')) continue;
    for (const match of text.matchAll(/\bclient\s*\.\s*([a-z]\w*(?:\s*\.\s*[a-zA-Z]\w*)+)\s*\(/g)) {
      const method = (match[1] ?? '').replace(/\s+/g, '');
      calls.set(method, [...(calls.get(method) ?? []), file]);
    }
  }
  // Bolt itself calls auth.test when the app starts.
  calls.set('auth.test', ['@slack/bolt']);
  return calls;
}

describe('manifest.yml scopes', () => {
  const granted = new Set(manifest.oauth_config.scopes.bot);

  it('cover every Web API method the code can call, in public and private channels', () => {
    const calls = webApiCallsInSource();
    // The scan finds what it must (so an empty result cannot pass for coverage).
    for (const known of ['chat.postMessage', 'chat.update', 'conversations.history', 'conversations.replies'])
      expect([...calls.keys()]).toContain(known);
    const uncovered: string[] = [];
    for (const [method, files] of calls) {
      if (!(method in METHOD_SCOPES)) {
        uncovered.push(
          `${method} (${files.join(', ')}): not in test/support/slack-scopes.ts; add it from Slack's docs`,
        );
        continue;
      }
      // Channel IDs in the config name public (C…) and private (G…) channels alike; joining is public only.
      const kinds =
        method === 'conversations.join' ? (['public'] as const) : (['public', 'private'] as const);
      for (const kind of kinds) {
        const needed = scopeNeeded(method, kind);
        if (needed && !granted.has(needed)) uncovered.push(`${method} in a ${kind} channel needs ${needed}`);
      }
    }
    expect(uncovered).toEqual([]);
    // Alerts and digests go to channels the bot was not invited to.
    expect(granted.has('chat:write.public')).toBe(true);
  });

  it('are the ones the README lists', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = /^### Scopes\n([\s\S]*?)(?=^#)/m.exec(readme)?.[1] ?? '';
    const listed = [...section.matchAll(/^\| `([a-z.:]+)`/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...granted].sort());
  });
});
