// The guard of every webhook route (/alerts*, /probes/*): bearer token compared in constant
// time, JSON only, 1 MiB at most, nesting at most 64 deep, and a zod schema; answers
// 503/401/415/413/400 as DESIGN.md says. The handler runs only with a valid, parsed body.
// Every refusal is counted by route and reason, and logged with its reason, rate-limited: the
// sender is told why (Alertmanager never retries a 4xx, so the log is the only trace left).

import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import type { AppDeps } from '../app/deps.js';
import { LogThrottle } from '../kit/throttle.js';

export const WEBHOOK_BODY_LIMIT = '1mb';
/** Deeper JSON than any alert or test report needs; deeper still would overflow the stack when stored. */
export const MAX_JSON_DEPTH = 64;

/** Equal-length digests make the comparison constant-time whatever the token lengths. */
export function tokensMatch(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The deepest nesting of arrays and objects in JSON text, scanned without recursion (strings
 * skipped), stopping as soon as it passes `limit`.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return false;
}

const readRaw = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });

export class WebhookGuard {
  private readonly throttle: LogThrottle;

  constructor(
    private readonly deps: Pick<AppDeps, 'logger' | 'metrics'> & { readonly token: string | undefined },
  ) {
    this.throttle = new LogThrottle(deps.logger);
  }

  /** Answers a refusal, counts it and logs it (a few per route and reason a minute, then a sum). */
  refuse(
    route: string,
    res: Response,
    status: number,
    reason: string,
    body: Record<string, unknown>,
    detail?: string,
  ): void {
    this.deps.metrics.webhookRefused.inc({ route, reason });
    const message = typeof body.message === 'string' ? body.message : reason;
    this.throttle.warn(
      `${route}\n${reason}`,
      { route, status, reason },
      `webhook refused (${status} ${reason}): ${detail ?? message}`,
    );
    if (status === 401) res.set('www-authenticate', 'Bearer');
    res.status(status).json({ error: reason, ...body });
  }

  /** The bearer token, then the body read and parsed as JSON (req.body), for `route`. */
  accept(route: string): RequestHandler[] {
    return [this.bearer(route), this.json(route)];
  }

  /**
   * The body read and parsed as JSON (req.body) without a bearer token, for routes that check
   * a signature of their own over the raw bytes, which stay in `res.locals.rawBody`.
   */
  acceptSigned(route: string): RequestHandler {
    return this.json(route);
  }

  private bearer(route: string): RequestHandler {
    const token = this.deps.token;
    return (req, res, next) => {
      if (!token) {
        this.refuse(route, res, 503, 'webhooks_disabled', {
          message: 'AUDIT_BOT_WEBHOOK_TOKEN is not set on the bot',
        });
        return;
      }
      const match = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '');
      if (!match?.[1] || !tokensMatch(match[1].trim(), token)) {
        this.refuse(
          route,
          res,
          401,
          'unauthorized',
          { message: 'a valid bearer token is required' },
          match ? 'wrong bearer token' : 'no bearer token',
        );
        return;
      }
      next();
    };
  }

  private json(route: string): RequestHandler {
    return (req, res, next) => {
      if (!req.is('application/json')) {
        this.refuse(route, res, 415, 'unsupported_media_type', {
          message: 'send Content-Type: application/json',
        });
        return;
      }
      readRaw(req, res, (error?: unknown) => {
        if (error) {
          const type = (error as { type?: string }).type;
          if (type === 'entity.too.large')
            this.refuse(route, res, 413, 'payload_too_large', { message: `at most ${WEBHOOK_BODY_LIMIT}` });
          else this.refuse(route, res, 400, 'invalid_body_stream', { message: 'the body could not be read' });
          return;
        }
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        res.locals.rawBody = raw;
        const text = raw.toString('utf8');
        if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
          this.refuse(route, res, 400, 'too_deeply_nested', {
            message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels is not accepted`,
          });
          return;
        }
        try {
          req.body = JSON.parse(text) as unknown;
        } catch {
          this.refuse(route, res, 400, 'invalid_json', { message: 'the body is not valid JSON' });
          return;
        }
        next();
      });
    };
  }

  /** Parses req.body with `schema`; on failure answers 400 with zod's issues (never the values). */
  parse<T>(route: string, schema: z.ZodType<T>, req: Request, res: Response): T | undefined {
    const result = schema.safeParse(req.body);
    if (result.success) return result.data;
    const issues = result.error.issues.slice(0, 20).map((i) => ({
      path: i.path.map(String).join('.'),
      code: i.code,
      message: i.message,
    }));
    this.refuse(
      route,
      res,
      400,
      'invalid_body',
      { issues },
      issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; '),
    );
    return undefined;
  }
}
