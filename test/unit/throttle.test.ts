import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/kit/logger.js';
import { LogThrottle } from '../../src/kit/throttle.js';
import { LogCapture } from '../support/bot.js';

describe('LogThrottle', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('logs the first lines of a key in full, then one summary when the window closes', () => {
    vi.useFakeTimers();
    const logs = new LogCapture();
    const throttle = new LogThrottle(createLogger({ level: 'debug', pretty: false, destination: logs }), {
      perWindow: 2,
      windowMs: 1000,
    });
    for (let i = 0; i < 10; i += 1) throttle.warn('401:/alerts', { route: '/alerts' }, 'refused: bad token');
    throttle.warn('401:/probes', { route: '/probes' }, 'refused: bad token');
    expect(logs.lines).toHaveLength(3);
    vi.advanceTimersByTime(1000);
    expect(logs.lines).toHaveLength(4);
    const summary = JSON.parse(logs.lines[3] ?? '{}') as { suppressed?: number; msg?: string };
    expect(summary.suppressed).toBe(8);
    expect(summary.msg).toMatch(/8 more like this/);
    // A new window logs in full again.
    throttle.warn('401:/alerts', { route: '/alerts' }, 'refused: bad token');
    expect(logs.lines).toHaveLength(5);
  });
});
