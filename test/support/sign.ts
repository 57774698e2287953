// Requests into the bot, signed with Slack's v0 scheme the way Slack signs them.

import { createHmac } from 'node:crypto';

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedPostOptions {
  /** Seconds since the epoch; defaults to now. */
  readonly timestamp?: number;
  /** Overrides the computed signature (to test rejection). */
  readonly signature?: string;
}

async function post(
  url: string,
  secret: string,
  body: string,
  contentType: string,
  options: SignedPostOptions,
): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? slackSignature(secret, timestamp, body),
    },
    body,
  });
}

/** A slash command, form-encoded as Slack sends it. */
export function postCommand(
  url: string,
  secret: string,
  fields: Record<string, string>,
  options: SignedPostOptions = {},
): Promise<Response> {
  return post(
    url,
    secret,
    new URLSearchParams(fields).toString(),
    'application/x-www-form-urlencoded',
    options,
  );
}

/** An interaction (button, shortcut, view submission): form field `payload` holding JSON. */
export function postInteraction(
  url: string,
  secret: string,
  payload: unknown,
  options: SignedPostOptions = {},
): Promise<Response> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return post(url, secret, body, 'application/x-www-form-urlencoded', options);
}

/** An Events API callback, sent as JSON. */
export function postEvent(
  url: string,
  secret: string,
  event: unknown,
  options: SignedPostOptions = {},
): Promise<Response> {
  return post(url, secret, JSON.stringify(event), 'application/json', options);
}
