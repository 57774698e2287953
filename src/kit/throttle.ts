// Rate-limited logging for events an attacker controls (refused webhooks, bad Slack signatures):
// the first few of each kind per window are logged in full, then one summary line at the end of
// the window says how many more there were, so an attack is visible without flooding the log.

import type { Logger } from './logger.js';

export interface ThrottleOptions {
  /** Lines logged in full per key and window. */
  readonly perWindow?: number;
  readonly windowMs?: number;
}

interface Window {
  logged: number;
  suppressed: number;
  fields: Record<string, unknown>;
  message: string;
}

export class LogThrottle {
  private readonly windows = new Map<string, Window>();
  private readonly perWindow: number;
  private readonly windowMs: number;

  constructor(
    private readonly logger: Logger,
    options: ThrottleOptions = {},
  ) {
    this.perWindow = options.perWindow ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
  }

  /** Logs `message` at warn level unless this key already used its lines in this window. */
  warn(key: string, fields: Record<string, unknown>, message: string): void {
    let window = this.windows.get(key);
    if (!window) {
      window = { logged: 0, suppressed: 0, fields, message };
      this.windows.set(key, window);
      // The window closes on a timer, so the summary is written even when the events stop.
      setTimeout(() => this.close(key), this.windowMs).unref();
    }
    if (window.logged < this.perWindow) {
      window.logged += 1;
      this.logger.warn(fields, message);
    } else {
      window.suppressed += 1;
      window.fields = fields;
      window.message = message;
    }
  }

  private close(key: string): void {
    const window = this.windows.get(key);
    this.windows.delete(key);
    if (!window || window.suppressed === 0) return;
    this.logger.warn(
      { ...window.fields, suppressed: window.suppressed, windowSeconds: Math.round(this.windowMs / 1000) },
      `${window.suppressed} more like this in the last ${Math.round(this.windowMs / 1000)} s were not logged one by one: ${window.message}`,
    );
  }
}
