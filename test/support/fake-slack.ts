// The fake Slack Web API server for tests: the shell's LocalSlack (which already answers like
// Slack, validates Block Kit and serves response_url endpoints) plus waiting helpers, a Socket
// Mode endpoint (apps.connections.open + a WebSocket speaking Slack's envelopes), and Slack's
// refusals: the bot token holds exactly the scopes manifest.yml requests (unless a test says
// otherwise), a method outside them answers `missing_scope`, and channel membership is
// modelled — posting to a public channel the bot is not in needs `chat:write.public`, reading
// its history answers `not_in_channel` until `conversations.join`, and a private channel the
// bot was not added to answers `channel_not_found`.

import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  type InterceptedAnswer,
  LocalSlack,
  type LocalSlackOptions,
  type SlackCall,
} from '../../src/dev/local-slack.js';
import {
  type ChannelKind,
  isConversationScoped,
  METHOD_SCOPES,
  manifestBotScopes,
  manifestMessagesTab,
  scopeNeeded,
} from './slack-scopes.js';

export type { SlackCall };

export interface FakeSlackOptions extends LocalSlackOptions {
  /** Bot scopes the token holds; default: those manifest.yml requests. */
  readonly scopes?: readonly string[];
  /** Channels the bot is a member of at the start (public ones it can also join itself). */
  readonly memberOf?: readonly string[];
  /** Channels with C… IDs that are private (G… IDs always are). */
  readonly privateChannels?: readonly string[];
  /** People in each channel, for conversations.members (undeclared channels have nobody). */
  readonly channelMembers?: Readonly<Record<string, readonly string[]>>;
  /** Whether the app's Messages tab is on; default: what manifest.yml says. */
  readonly messagesTab?: boolean;
}

/** Methods that post into a conversation and so need the bot to be allowed in it. */
const POSTING = new Set(['chat.postMessage', 'chat.meMessage', 'chat.scheduleMessage']);

/** A canned failure for the next calls of a method (or of every method with `*`). */
export interface InjectedFailure {
  readonly status?: number;
  readonly error?: string;
  readonly retryAfterSeconds?: number;
  /** How many calls fail before the method works again (default 1). */
  times?: number;
}

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export class FakeSlack extends LocalSlack {
  private socketServer: WebSocketServer | undefined;
  private appToken: string | undefined;
  private readonly sockets = new Set<WebSocket>();
  /** Bot scopes granted to the token. */
  readonly scopes: ReadonlySet<string>;
  /** Conversations the bot is a member of. */
  readonly members: Set<string>;
  private readonly privateChannels: ReadonlySet<string>;

  /** Every call the bot made, in order, with what it was answered. */
  readonly calls: SlackCall[] = [];
  private readonly failures = new Map<string, InjectedFailure>();

  constructor(options: FakeSlackOptions = {}) {
    super(options);
    this.on('call', (call) => this.calls.push(call));
    this.scopes = new Set(options.scopes ?? manifestBotScopes());
    this.members = new Set(options.memberOf ?? []);
    this.privateChannels = new Set(options.privateChannels ?? []);
    for (const [channel, users] of Object.entries(options.channelMembers ?? {}))
      this.channelMembers.set(channel, [...users]);
    this.messagesTab = options.messagesTab ?? manifestMessagesTab();
  }

  /** Whether the app's Messages tab is on: without it, users never see the bot's direct messages. */
  readonly messagesTab: boolean;
  /** Direct messages posted while the Messages tab is off: accepted by Slack, seen by nobody. */
  readonly unseenDirectMessages: Array<{ user: string; text: string }> = [];

  /** Slack keeps no default members: only those a test declares (the shell's LocalSlack does). */
  protected override membersOf(channel: string): string[] {
    return this.channelMembers.get(channel) ?? [];
  }

  failNext(method: string, failure: InjectedFailure): void {
    this.failures.set(method, { times: 1, ...failure });
  }

  clearFailures(): void {
    this.failures.clear();
  }

  /**
   * The first answer a user sees to a command: the message in its HTTP acknowledgement when
   * there is one (as Slack shows it), else the first post to its `response_url`.
   */
  async firstAnswer(acknowledgement: Response, responseUrl: string): Promise<Record<string, unknown>> {
    const raw = await acknowledgement.text();
    const acked = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    if (acked.text !== undefined || acked.blocks !== undefined) return acked;
    return (await this.waitFor('response_url', (c) => responseUrl.endsWith(`/${c.responseId}`))).body;
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  private readonly held = new Map<string, Promise<void>>();

  /** Answers to `method` wait until the returned function is called (a slow Slack). */
  hold(method: string): () => void {
    let release = () => {};
    this.held.set(method, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.held.delete(method);
      release();
    };
  }

  protected override async intercept(method: string): Promise<InterceptedAnswer | undefined> {
    await this.held.get(method);
    for (const key of [method, '*']) {
      const failure = this.failures.get(key);
      if (!failure) continue;
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0) this.failures.delete(key);
      const status = failure.status ?? 200;
      const answer = {
        ok: false,
        error: failure.error ?? (status === 429 ? 'ratelimited' : 'internal_error'),
      };
      const headers: Record<string, string> = {};
      if (failure.retryAfterSeconds !== undefined) headers['retry-after'] = String(failure.retryAfterSeconds);
      return { status, answer, headers };
    }
    return undefined;
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const slack = new FakeSlack(options);
    await slack.start();
    return slack;
  }

  /** What kind of conversation an ID names (a user ID names the bot's DM with that user). */
  kindOf(channel: string): ChannelKind {
    if (/^[DUW]/.test(channel)) return 'im';
    if (channel.startsWith('G') || this.privateChannels.has(channel)) return 'private';
    return 'public';
  }

  private isMember(channel: string): boolean {
    return this.kindOf(channel) === 'im' || this.members.has(channel);
  }

  /** Resolves with the first call (already made or still to come) that matches. */
  waitFor(
    method: string,
    match: (call: SlackCall) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<SlackCall> {
    const found = this.calls.find((c) => c.method === method && match(c));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('call', listener);
        const seen = this.calls.map((c) => c.method).join(', ') || 'none';
        reject(new Error(`no ${method} call within ${timeoutMs} ms (calls so far: ${seen})`));
      }, timeoutMs);
      const listener = (call: SlackCall) => {
        if (call.method !== method || !match(call)) return;
        clearTimeout(timer);
        this.off('call', listener);
        resolve(call);
      };
      this.on('call', listener);
    });
  }

  /** Serves Socket Mode for this app-level token. */
  async enableSocketMode(appToken: string): Promise<void> {
    this.appToken = appToken;
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'local', approximate_connection_time: 18060 },
          connection_info: { app_id: 'A0AUDITBOT' },
        }),
      );
    });
    this.socketServer = server;
  }

  get connectedSockets(): number {
    return this.sockets.size;
  }

  /** Sends an envelope to the connected client; resolves with its acknowledgement. */
  sendEnvelope(
    type: EnvelopeType,
    payload: unknown,
    timeoutMs = 5000,
  ): Promise<{ envelope_id: string; payload?: unknown }> {
    const socket = [...this.sockets][0];
    if (!socket) return Promise.reject(new Error('no Socket Mode client is connected'));
    const envelopeId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.off('message', onMessage);
        reject(new Error(`envelope ${type} not acknowledged within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8')) as { envelope_id?: string; payload?: unknown };
        if (message.envelope_id !== envelopeId) return;
        clearTimeout(timer);
        socket.off('message', onMessage);
        resolve({
          envelope_id: envelopeId,
          ...(message.payload !== undefined ? { payload: message.payload } : {}),
        });
      };
      socket.on('message', onMessage);
      socket.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: type !== 'events_api',
        }),
      );
    });
  }

  /** Members of user groups (S…), for usergroups.users.list. */
  readonly userGroups = new Map<string, string[]>();

  protected override answer(
    method: string,
    body: Record<string, unknown>,
    token: string | undefined,
  ): Record<string, unknown> {
    // Called with the app-level token (xapp-…), whose only scope is connections:write.
    if (method === 'apps.connections.open') {
      if (!this.socketServer || !token || token !== this.appToken)
        return { ok: false, error: 'invalid_auth' };
      const port = (this.socketServer.address() as AddressInfo).port;
      return { ok: true, url: `ws://127.0.0.1:${port}/link?ticket=${randomUUID()}` };
    }
    return super.answer(method, body, token);
  }

  /** Slack's refusals: the token's scopes first, then whether the bot may use the channel. */
  protected override refuse(
    method: string,
    body: Record<string, unknown>,
  ): Record<string, unknown> | undefined {
    const entry = METHOD_SCOPES[method];
    if (!entry) return { ok: false, error: 'unknown_method' };
    const channel = typeof body.channel === 'string' ? body.channel : undefined;
    if (isConversationScoped(method) && !channel) return { ok: false, error: 'channel_not_found' };
    const kind = channel ? this.kindOf(channel) : 'public';
    if (method === 'conversations.join' && kind !== 'public')
      return { ok: false, error: 'method_not_supported_for_channel_type' };
    const needed = scopeNeeded(method, kind);
    if (needed && !this.scopes.has(needed))
      return { ok: false, error: 'missing_scope', needed, provided: [...this.scopes].join(',') };
    if (!channel || method === 'conversations.join' || this.isMember(channel)) return undefined;
    // A private channel the bot was not added to does not exist, as far as the bot can tell.
    if (kind === 'private') return { ok: false, error: 'channel_not_found' };
    if (POSTING.has(method))
      return this.scopes.has('chat:write.public') ? undefined : { ok: false, error: 'not_in_channel' };
    // An ephemeral message needs the bot in the channel, chat:write.public or not.
    if (method === 'chat.postEphemeral') return { ok: false, error: 'channel_not_found' };
    if (method === 'conversations.history' || method === 'conversations.replies')
      return { ok: false, error: 'not_in_channel' };
    return undefined;
  }

  protected override reply(method: string, body: Record<string, unknown>): Record<string, unknown> {
    if (method === 'chat.postMessage' && !this.messagesTab && /^[UW]/.test(String(body.channel)))
      this.unseenDirectMessages.push({ user: String(body.channel), text: String(body.text ?? '') });
    if (method === 'usergroups.users.list') {
      const users = this.userGroups.get(String(body.usergroup));
      return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
    }
    if (method === 'conversations.join') {
      const channel = String(body.channel);
      const already = this.members.has(channel);
      this.members.add(channel);
      const answer = super.reply(method, body);
      return already
        ? {
            ...answer,
            warning: 'already_in_channel',
            response_metadata: { warnings: ['already_in_channel'] },
          }
        : answer;
    }
    return super.reply(method, body);
  }

  override async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.sockets.clear();
    const server = this.socketServer;
    this.socketServer = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await super.stop();
  }
}
