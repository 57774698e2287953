// A Bolt receiver for shell mode: the console hands it payloads shaped like Slack's, and it
// feeds them to the App exactly as the HTTP and Socket Mode receivers do. Tests use the same
// path (dispatchTo) to drive listeners in process, without signing and posting each request.

import type { App, Receiver, ReceiverEvent } from '@slack/bolt';

export interface DispatchResult {
  /** Whether any listener acknowledged; false means nothing handles that payload. */
  readonly acked: boolean;
  /** What ack() was called with (shown to the user, like Slack shows an ack body). */
  readonly response: unknown;
}

export class ShellReceiver implements Receiver {
  private app: App | undefined;

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  dispatch(body: Record<string, unknown>): Promise<DispatchResult> {
    if (!this.app) throw new Error('ShellReceiver used before the App was built');
    return dispatchTo(this.app, body);
  }
}

/**
 * Feeds one payload (a slash command's fields, an interaction's parsed `payload`, an Events API
 * envelope) to the App as a receiver does, and resolves once its listeners have finished.
 */
export async function dispatchTo(app: App, body: Record<string, unknown>): Promise<DispatchResult> {
  let acked = false;
  let response: unknown;
  const event: ReceiverEvent = {
    body,
    ack: async (answer?: unknown) => {
      acked = true;
      response = answer;
    },
  };
  await app.processEvent(event);
  // Events (app_home_opened…) are acknowledged by the transport itself, as Slack's are.
  if (body.type === 'event_callback') acked = true;
  return { acked, response };
}
