// The fake Slack Web API server for tests: the shell's LocalSlack (which already answers like
// Slack, validates Block Kit and serves response_url endpoints) plus waiting helpers and a
// Socket Mode endpoint (apps.connections.open + a WebSocket speaking Slack's envelopes).

import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { LocalSlack, type LocalSlackOptions, type SlackCall } from '../../src/shell/local-slack.js';

export type { SlackCall };

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export class FakeSlack extends LocalSlack {
  private socketServer: WebSocketServer | undefined;
  private appToken: string | undefined;
  private readonly sockets = new Set<WebSocket>();

  static async start(options: LocalSlackOptions = {}): Promise<FakeSlack> {
    const slack = new FakeSlack(options);
    await slack.start();
    return slack;
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
    if (method === 'usergroups.users.list') {
      const users = this.userGroups.get(String(body.usergroup));
      return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
    }
    if (method === 'apps.connections.open') {
      if (!this.socketServer || !token || token !== this.appToken)
        return { ok: false, error: 'invalid_auth' };
      const port = (this.socketServer.address() as AddressInfo).port;
      return { ok: true, url: `ws://127.0.0.1:${port}/link?ticket=${randomUUID()}` };
    }
    return super.answer(method, body, token);
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
