import { describe, expect, it } from 'vitest';
import { boltLogger, createLogger, maskTokens } from '../../src/kit/logger.js';
import { BotMetrics } from '../../src/kit/metrics.js';
import { SecretMasker } from '../../src/kit/secrets.js';
import { errorHandler } from '../../src/listeners/error-handler.js';
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

describe('logger masking of known secret values', () => {
  const NOTION = 'ntn_LOGGERSECRET_0123456789';
  const WEBHOOK = 'webhook-LOGGERSECRET-abcdef';
  const secrets = new SecretMasker([NOTION, WEBHOOK]);

  it('masks them in messages, string fields at any depth, errors, children and format arguments', () => {
    const out = new LogCapture();
    const logger = createLogger({ level: 'debug', pretty: false, destination: out, secrets });
    logger.info(`probe failed: printed ${NOTION}`);
    logger.warn({ detail: { lines: [`token ${WEBHOOK}`] }, count: 3 }, 'nested');
    logger.error(new Error(`request with ${NOTION} failed`));
    logger.error({ err: new Error(`boom ${WEBHOOK}`) }, 'with err');
    logger.child({ component: 'x' }).debug('child %s', NOTION);
    boltLogger(logger).warn('bolt says', { url: `https://x/?t=${WEBHOOK}` });
    expect(out.lines).toHaveLength(6);
    expect(out.text).not.toContain('LOGGERSECRET');
    expect(out.text.match(/\[secret\]/g)?.length).toBeGreaterThanOrEqual(6);
    expect(JSON.parse(out.lines[1] ?? '{}')).toMatchObject({
      detail: { lines: ['token [secret]'] },
      count: 3,
    });
  });

  it('masks them in what the error handler logs', async () => {
    const out = new LogCapture();
    const logger = createLogger({ level: 'info', pretty: false, destination: out, secrets });
    const handle = errorHandler({ logger, metrics: new BotMetrics({ processMetrics: false }) });
    const error = Object.assign(new Error(`Notion said no to ${NOTION}`), { code: 'slack_bolt_error' });
    await handle(error);
    expect(out.text).toContain('Notion said no to [secret]');
    expect(out.text).not.toContain('LOGGERSECRET');
  });
});
