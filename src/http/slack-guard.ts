// The gate in front of Bolt on POST /slack/events (HTTP mode). Bolt reads a whole body (up to
// 4 MB at a time) before it checks the signature, and accepts timestamps from the future; this
// checks what it can from the headers before reading anything, reads at most SLACK_BODY_LIMIT
// while streaming, verifies the v0 signature in constant time with a window of five minutes
// both ways, and only then hands the raw body to Bolt (which verifies it again and parses it).
// Every refusal is counted by reason and logged, rate-limited, so an attack is visible without
// flooding the log.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../kit/logger.js';
import type { BotMetrics } from '../kit/metrics.js';
import { LogThrottle } from '../kit/throttle.js';

/**
 * Slack's largest payloads are view submissions: a modal holds at most 100 blocks, each input
 * at most 3,000 characters of text (a rich text input a few KB of JSON), sent form-encoded
 * with the whole view. That stays well under 256 KiB; twice that leaves room for growth while
 * keeping a flood of unsigned junk cheap to refuse.
 */
export const SLACK_BODY_LIMIT = 512 * 1024;
/** Slack's own rule for replays: a request more than five minutes old is refused; so is one from the future. */
export const SLACK_TIMESTAMP_WINDOW_S = 300;

export type SlackRefusal =
  | 'missing_headers'
  | 'stale_timestamp'
  | 'too_large'
  | 'bad_signature'
  | 'body_unreadable';

export interface SlackGuardDeps {
  readonly signingSecret: string;
  readonly logger: Logger;
  readonly metrics: BotMetrics;
}

const SIGNATURE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP = /^\d{1,12}$/;

export function slackRequestGuard(deps: SlackGuardDeps): RequestHandler {
  const throttle = new LogThrottle(deps.logger);

  return (req, res, next) => {
    const refuse = (status: number, reason: SlackRefusal, detail: string) => {
      deps.metrics.slackRequestsRefused.inc({ reason });
      throttle.warn(
        reason,
        { reason, status, ip: req.ip },
        `Slack request refused (${status} ${reason}): ${detail}`,
      );
      // The body may still be arriving: answer now and close the connection, rather than read
      // it (Node discards what is left without buffering it).
      res.set('connection', 'close').status(status).end();
    };

    const signature = req.get('x-slack-signature') ?? '';
    const timestamp = req.get('x-slack-request-timestamp') ?? '';
    if (!SIGNATURE.test(signature) || !TIMESTAMP.test(timestamp)) {
      refuse(401, 'missing_headers', 'no valid X-Slack-Signature and X-Slack-Request-Timestamp headers');
      return;
    }
    const skew = Math.floor(Date.now() / 1000) - Number(timestamp);
    if (Math.abs(skew) > SLACK_TIMESTAMP_WINDOW_S) {
      refuse(
        401,
        'stale_timestamp',
        `the request timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'} (at most ${SLACK_TIMESTAMP_WINDOW_S} s either way)`,
      );
      return;
    }
    const declared = Number(req.get('content-length') ?? Number.NaN);
    if (declared > SLACK_BODY_LIMIT) {
      refuse(413, 'too_large', `Content-Length ${declared} is above ${SLACK_BODY_LIMIT} bytes`);
      return;
    }

    readLimited(req, SLACK_BODY_LIMIT).then(
      (body) => {
        if (body === 'too_large') {
          refuse(413, 'too_large', `the body grew past ${SLACK_BODY_LIMIT} bytes`);
          return;
        }
        const expected = Buffer.from(
          `v0=${createHmac('sha256', deps.signingSecret).update(`v0:${timestamp}:`).update(body).digest('hex')}`,
        );
        const given = Buffer.from(signature);
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          refuse(401, 'bad_signature', 'the signature does not match the body');
          return;
        }
        // Bolt reads `rawBody` when it is present instead of the (already consumed) stream.
        (req as Request & { rawBody?: Buffer }).rawBody = body;
        next();
      },
      () => refuse(400, 'body_unreadable', 'the body could not be read'),
    );
  };
}

/**
 * The body, or 'too_large' as soon as more than `limit` bytes have arrived (chunked or not);
 * whatever the stream does after that first answer is ignored.
 */
function readLimited(req: Request, limit: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        req.off('data', onData);
        resolve('too_large');
      }
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
