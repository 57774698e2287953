import { describe, expect, it } from 'vitest';
import { createLogger, maskTokens } from '../../src/logger.js';
import { LogCapture } from '../support/bot.js';

describe('logger redaction', () => {
  it('redacts secret keys at any depth the bot logs them', () => {
    const out = new LogCapture();
    const logger = createLogger({ level: 'info', pretty: false, destination: out });
    logger.info(
      {
        token: 'xoxb-1-SECRET-A',
        env: { SLACK_SIGNING_SECRET: 'SECRET-B', NOTION_TOKEN: 'SECRET-C' },
        req: { headers: { authorization: 'Bearer SECRET-D' } },
        botToken: 'SECRET-E',
      },
      'starting',
    );
    expect(out.text).toContain('starting');
    expect(out.text).not.toMatch(/SECRET-[A-E]/);
    expect(out.text).toContain('[redacted]');
  });

  it('masks Slack tokens inside free text', () => {
    expect(maskTokens('POST https://slack.com/api/auth.test?token=xoxb-123-456-abcDEF failed')).toBe(
      'POST https://slack.com/api/auth.test?token=xoxb-[redacted] failed',
    );
    expect(maskTokens('app token xapp-1-A0-123-abc')).toBe('app token xapp-[redacted]');
  });
});
