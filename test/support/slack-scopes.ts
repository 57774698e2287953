// Which bot-token scope each Slack Web API method needs, as Slack's method reference lists it
// (https://docs.slack.dev/reference/methods/<method>, "Scopes → Bot token"), and the bot scopes
// manifest.yml grants. The fake Slack refuses calls outside the granted scopes with
// `missing_scope`, the way Slack does, and the manifest test checks that every method the bot's
// code calls is covered — so the manifest and the code cannot drift apart.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

/** Conversation types; methods of the Conversations API need the scope of the type at hand. */
export type ChannelKind = 'public' | 'private' | 'im' | 'mpim';

/**
 * A method's bot scope: one for every conversation type, one per type (Conversations API
 * methods), or none at all. Methods Slack marks as needing no scope are listed with `none`.
 */
export type MethodScope =
  | { readonly scope: string }
  | { readonly byKind: Readonly<Partial<Record<ChannelKind, string>>> }
  | { readonly none: true };

const history = {
  byKind: { public: 'channels:history', private: 'groups:history', im: 'im:history', mpim: 'mpim:history' },
} as const;
const read = {
  byKind: { public: 'channels:read', private: 'groups:read', im: 'im:read', mpim: 'mpim:read' },
} as const;

export const METHOD_SCOPES: Readonly<Record<string, MethodScope>> = {
  'auth.test': { none: true },
  'chat.postMessage': { scope: 'chat:write' },
  'chat.postEphemeral': { scope: 'chat:write' },
  'chat.update': { scope: 'chat:write' },
  'chat.delete': { scope: 'chat:write' },
  'chat.meMessage': { scope: 'chat:write' },
  'chat.scheduleMessage': { scope: 'chat:write' },
  'chat.getPermalink': { none: true },
  'conversations.history': history,
  'conversations.replies': history,
  'conversations.info': read,
  'conversations.members': read,
  'conversations.list': read,
  'conversations.join': { byKind: { public: 'channels:join' } },
  'conversations.open': { byKind: { im: 'im:write', mpim: 'mpim:write' } },
  'views.open': { none: true },
  'views.push': { none: true },
  'views.update': { none: true },
  'views.publish': { none: true },
  'users.info': { scope: 'users:read' },
  'users.list': { scope: 'users:read' },
  'users.lookupByEmail': { scope: 'users:read.email' },
  'usergroups.list': { scope: 'usergroups:read' },
  'usergroups.users.list': { scope: 'usergroups:read' },
  'reactions.add': { scope: 'reactions:write' },
  'files.getUploadURLExternal': { scope: 'files:write' },
  'files.completeUploadExternal': { scope: 'files:write' },
  'files.info': { scope: 'files:read' },
  'team.info': { scope: 'team:read' },
  'bots.info': { scope: 'users:read' },
};

/** Methods whose scope depends on the conversation named by their `channel` argument. */
export function isConversationScoped(method: string): boolean {
  const entry = METHOD_SCOPES[method];
  return entry !== undefined && 'byKind' in entry;
}

/** The scope `method` needs for a conversation of `kind`; undefined when it needs none. */
export function scopeNeeded(method: string, kind: ChannelKind): string | undefined {
  const entry = METHOD_SCOPES[method];
  if (!entry || 'none' in entry) return undefined;
  if ('scope' in entry) return entry.scope;
  return entry.byKind[kind];
}

const manifestSchema = z.object({
  features: z.object({ app_home: z.object({ messages_tab_enabled: z.boolean().default(false) }) }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }) }),
});

export const MANIFEST_PATH = path.resolve(import.meta.dirname, '..', '..', 'manifest.yml');

/** Parsed once per file and test worker: every FakeSlack reads it (6 ms a time). */
const manifests = new Map<string, z.output<typeof manifestSchema>>();
function readManifest(file: string): z.output<typeof manifestSchema> {
  let manifest = manifests.get(file);
  if (!manifest) {
    manifest = manifestSchema.parse(parse(readFileSync(file, 'utf8')));
    manifests.set(file, manifest);
  }
  return manifest;
}

/** The bot scopes manifest.yml requests: what a workspace installing the app grants. */
export function manifestBotScopes(file = MANIFEST_PATH): string[] {
  return [...readManifest(file).oauth_config.scopes.bot];
}

/** Whether manifest.yml turns the app's Messages tab on (where direct messages from the bot show). */
export function manifestMessagesTab(file = MANIFEST_PATH): boolean {
  return readManifest(file).features.app_home.messages_tab_enabled;
}
