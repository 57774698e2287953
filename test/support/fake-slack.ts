// The fake Slack Web API server for tests: the shell's LocalSlack (which already answers like
// Slack, validates Block Kit and serves response_url endpoints) plus waiting helpers.

import { LocalSlack, type LocalSlackOptions, type SlackCall } from '../../src/shell/local-slack.js';

export type { SlackCall };

export class FakeSlack extends LocalSlack {
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
}
