// A Slack Web API stand-in on loopback. Shell mode points the real Bolt/WebClient at it so the
// same handlers run unchanged and their messages are printed instead of sent; the test suite
// extends it as its fake Slack server (which adds Slack's scope and channel-membership refusals
// through `refuse`). It answers like Slack (`{ok, ts, channel}`), rejects Block Kit that Slack
// would reject, keeps messages and threads for history reads, and serves `response_url` endpoints.

import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { findBlockKitProblems, formatProblems, type Surface } from './block-limits.js';
import { bearer, close, isRecord, listen, loopbackUrl, parseBody, readBody, send } from './wire.js';

/** One request the bot made: a Web API method call or a `response_url` post. */
export interface SlackCall {
  /** Web API method (`chat.postMessage`), or `response_url` for posts to a response URL. */
  readonly method: string;
  readonly body: Record<string, unknown>;
  /** The token the call carried (Web API calls only). */
  readonly token: string | undefined;
  /** The response URL's id, for `response_url` calls. */
  readonly responseId?: string;
  /** What was answered, so tests can see rejected calls too. */
  readonly answer: Record<string, unknown>;
  readonly status: number;
  readonly at: number;
}

/** An answer the test fake gives before any other (an injected failure). */
export interface InterceptedAnswer {
  readonly status: number;
  readonly answer: Record<string, unknown>;
  readonly headers?: Record<string, string>;
}

interface StoredMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
  metadata?: unknown;
}

export interface LocalSlackOptions {
  /** Bot tokens accepted; any other token gets `invalid_auth`. Empty: any token is accepted. */
  readonly tokens?: readonly string[];
}

/** The bot's bot ID, as `auth.test` gives it and its messages carry it. */
const BOT_ID = 'B0AUDITBOT';

export class LocalSlack extends EventEmitter<{ call: [SlackCall] }> {
  readonly messages = new Map<string, StoredMessage>();
  private server: Server | undefined;
  private tsCounter = 0;
  private responseCounter = 0;
  private viewCounter = 0;
  private readonly tokens: readonly string[];

  constructor(options: LocalSlackOptions = {}) {
    super();
    this.tokens = options.tokens ?? [];
  }

  async start(host = '127.0.0.1'): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        // A fake must never crash the process it runs in; answer like an internal error.
        if (!res.headersSent) send(res, 500, { ok: false, error: 'internal_error', detail: String(error) });
      });
    });
    await listen(this.server, 0, host);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await close(server);
  }

  get url(): string {
    return loopbackUrl(this.server, 'LocalSlack');
  }

  /** Base URL to give WebClient as `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A fresh `response_url`, as Slack puts in command and interaction payloads. */
  newResponseUrl(): string {
    this.responseCounter += 1;
    return `${this.url}/response/${this.responseCounter}`;
  }

  newTriggerId(): string {
    return `${Date.now()}.${++this.responseCounter}.local`;
  }

  private nextTs(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(++this.tsCounter).padStart(6, '0')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const raw = await readBody(req);
    if (req.method !== 'POST') return send(res, 405, { ok: false, error: 'method_not_allowed' });
    const body = parseBody(raw, req.headers['content-type']);

    const responseId = /^\/response\/([\w.-]+)$/.exec(url.pathname)?.[1];
    if (responseId) {
      const problems = blockProblems('message', body);
      const [status, answer] =
        problems.length > 0
          ? [400, { ok: false, error: 'invalid_blocks', errors: problems }]
          : [200, { ok: true }];
      this.record({ method: 'response_url', body, token: undefined, responseId, answer, status });
      return send(res, status, answer);
    }

    const method = /^\/api\/([\w.]+)$/.exec(url.pathname)?.[1];
    if (!method) return send(res, 404, { ok: false, error: 'unknown_method' });
    const token =
      bearer(req.headers.authorization) ?? (typeof body.token === 'string' ? body.token : undefined);
    delete body.token;

    const { status, answer, headers } = (await this.intercept(method)) ?? {
      status: 200,
      answer: this.answer(method, body, token),
    };
    this.record({ method, body, token, answer, status });
    send(res, status, answer, headers);
  }

  /** An answer given before any other, whatever the call (the test fake injects failures). */
  protected async intercept(_method: string): Promise<InterceptedAnswer | undefined> {
    return undefined;
  }

  private record(call: Omit<SlackCall, 'at'>): void {
    this.emit('call', { ...call, at: Date.now() });
  }

  /** People in a channel, by channel: the shell's user is in every channel of its demo workspace. */
  readonly channelMembers = new Map<string, string[]>();
  /** Members of channels nobody declared (the shell adds whoever it acts as). */
  readonly defaultMembers = new Set<string>();

  protected membersOf(channel: string): string[] {
    return this.channelMembers.get(channel) ?? [...this.defaultMembers];
  }

  /** Slack's answer to a Web API call; the test fake extends it with Socket Mode. */
  protected answer(
    method: string,
    body: Record<string, unknown>,
    token: string | undefined,
  ): Record<string, unknown> {
    if (!token) return { ok: false, error: 'not_authed' };
    if (this.tokens.length > 0 && !this.tokens.includes(token)) return { ok: false, error: 'invalid_auth' };
    return this.refuse(method, body) ?? this.reply(method, body);
  }

  /**
   * Slack's refusal of an authenticated call (a missing scope, a channel the bot is not in),
   * or undefined to answer it. The shell's stand-in refuses nothing; the test fake does.
   */
  protected refuse(_method: string, _body: Record<string, unknown>): Record<string, unknown> | undefined {
    return undefined;
  }

  /** The answer to an authenticated call that was not refused. */
  protected reply(method: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://local.slack/',
          team: 'Local',
          user: 'audit-bot',
          team_id: 'T0LOCAL',
          user_id: 'U0AUDITBOT',
          bot_id: BOT_ID,
        };
      case 'chat.postMessage':
      case 'chat.postEphemeral':
      case 'chat.update':
        return this.chat(method, body);
      case 'chat.getPermalink':
        return {
          ok: true,
          channel: body.channel,
          permalink: `https://local.slack/archives/${String(body.channel)}/p${String(body.message_ts).replace('.', '')}`,
        };
      case 'views.open':
      case 'views.push':
      case 'views.update':
      case 'views.publish':
        return this.view(method, body);
      case 'usergroups.users.list':
        return { ok: true, users: [] };
      case 'conversations.history': {
        const oldest = Number(body.oldest ?? 0);
        const messages = [...this.messages.values()]
          .filter((m) => m.channel === body.channel && !m.thread_ts && Number(m.ts) >= oldest)
          .sort((a, b) => Number(b.ts) - Number(a.ts))
          .map((m) => this.historyMessage(m, body));
        return { ok: true, messages, has_more: false };
      }
      case 'conversations.replies': {
        // The thread's parent first, then its replies, oldest first (as Slack answers).
        const parent = this.messages.get(`${String(body.channel)}/${String(body.ts)}`);
        if (!parent || parent.thread_ts) return { ok: false, error: 'thread_not_found' };
        const oldest = Number(body.oldest ?? 0);
        const replies = [...this.messages.values()]
          .filter((m) => m.channel === parent.channel && m.thread_ts === parent.ts && Number(m.ts) >= oldest)
          .sort((a, b) => Number(a.ts) - Number(b.ts));
        return {
          ok: true,
          messages: [parent, ...replies].map((m) => this.historyMessage(m, body)),
          has_more: false,
        };
      }
      case 'conversations.join':
        return {
          ok: true,
          channel: {
            id: body.channel,
            name: String(body.channel).toLowerCase(),
            is_channel: true,
            is_member: true,
          },
        };
      case 'conversations.members': {
        // Paginated like Slack's (cursor, limit): tests see the bot page through large channels.
        const all = this.membersOf(String(body.channel));
        const start = Number(String(body.cursor ?? '').replace(/^offset:/, '')) || 0;
        const limit = Math.max(1, Math.min(1000, Number(body.limit ?? 100) || 100));
        const next = start + limit < all.length ? `offset:${start + limit}` : '';
        return {
          ok: true,
          members: all.slice(start, start + limit),
          response_metadata: { next_cursor: next },
        };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /** A stored message as history reads return it; metadata only when asked for, as Slack does. */
  private historyMessage(m: StoredMessage, request: Record<string, unknown>): Record<string, unknown> {
    const withMetadata = request.include_all_metadata === true || request.include_all_metadata === 'true';
    return {
      type: 'message',
      ts: m.ts,
      text: m.text,
      bot_id: BOT_ID,
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
      ...(m.metadata && withMetadata ? { metadata: m.metadata } : {}),
    };
  }

  private chat(method: string, body: Record<string, unknown>): Record<string, unknown> {
    const channel = typeof body.channel === 'string' ? body.channel : undefined;
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const hasText = typeof body.text === 'string' && body.text.length > 0;
    const blocks = Array.isArray(body.blocks) ? body.blocks : undefined;
    if (!hasText && !blocks && method !== 'chat.update') return { ok: false, error: 'no_text' };
    const problems = blockProblems('message', body);
    if (problems.length > 0) return refusal('invalid_blocks', problems, { errors: problems });

    if (method === 'chat.update') {
      const key = `${channel}/${String(body.ts)}`;
      const existing = this.messages.get(key);
      if (!existing) return { ok: false, error: 'message_not_found' };
      if (typeof body.text === 'string') existing.text = body.text;
      if (blocks) existing.blocks = blocks;
      return { ok: true, channel, ts: existing.ts, text: existing.text, message: { ...existing } };
    }
    const ts = this.nextTs();
    if (method === 'chat.postEphemeral') {
      if (typeof body.user !== 'string') return { ok: false, error: 'user_not_found' };
      return { ok: true, message_ts: ts };
    }
    const message: StoredMessage = {
      channel,
      ts,
      text: typeof body.text === 'string' ? body.text : '',
      blocks: blocks ?? [],
    };
    if (typeof body.thread_ts === 'string') message.thread_ts = body.thread_ts;
    if (body.metadata !== undefined) message.metadata = body.metadata;
    this.messages.set(`${channel}/${ts}`, message);
    return { ok: true, channel, ts, message: { ...message, type: 'message', bot_id: BOT_ID } };
  }

  private view(method: string, body: Record<string, unknown>): Record<string, unknown> {
    const view = body.view;
    if (!isRecord(view)) return refusal('invalid_arguments', ['missing required field: view']);
    if ((method === 'views.open' || method === 'views.push') && typeof body.trigger_id !== 'string')
      return { ok: false, error: 'invalid_trigger_id' };
    if (method === 'views.publish' && typeof body.user_id !== 'string')
      return { ok: false, error: 'user_not_found' };
    const surface: Surface = view.type === 'home' ? 'home' : 'modal';
    if (method === 'views.publish' && surface !== 'home') return { ok: false, error: 'invalid_arguments' };
    const problems = formatProblems(findBlockKitProblems(surface, view)).map((p) =>
      p.replace('[json-pointer:/', '[json-pointer:/view/'),
    );
    if (problems.length > 0) return refusal('invalid_arguments', problems);
    this.viewCounter += 1;
    const id =
      typeof body.view_id === 'string' ? body.view_id : `V${String(this.viewCounter).padStart(8, '0')}`;
    return { ok: true, view: { ...view, id, hash: `${Date.now()}.${this.viewCounter}` } };
  }
}

function blockProblems(surface: Surface, body: Record<string, unknown>): string[] {
  if (body.blocks === undefined) return [];
  return formatProblems(findBlockKitProblems(surface, body));
}

/** Slack's refusal of a payload, each problem an `[ERROR]` line of `response_metadata.messages`. */
function refusal(error: string, problems: string[], extra?: { errors: string[] }): Record<string, unknown> {
  return { ok: false, error, ...extra, response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) } };
}
