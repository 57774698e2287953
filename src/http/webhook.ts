// Shared guard for webhook routes (/alerts*, /probes/*): bearer token compared in constant
// time, JSON only, 1 MiB at most, and a zod schema; answers 503/401/415/413/400 as DESIGN.md
// says. The handler runs only with a valid, parsed body.

import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';

export const WEBHOOK_BODY_LIMIT = '1mb';

/** Equal-length digests make the comparison constant-time whatever the token lengths. */
export function tokensMatch(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function requireBearer(token: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (!token) {
      res
        .status(503)
        .json({ error: 'webhooks_disabled', message: 'AUDIT_BOT_WEBHOOK_TOKEN is not set on the bot' });
      return;
    }
    const match = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1] || !tokensMatch(match[1].trim(), token)) {
      res
        .set('www-authenticate', 'Bearer')
        .status(401)
        .json({ error: 'unauthorized', message: 'a valid bearer token is required' });
      return;
    }
    next();
  };
}

const parseJson = express.json({ limit: WEBHOOK_BODY_LIMIT, type: () => true, strict: false });

export function jsonBody(): RequestHandler {
  return (req, res, next) => {
    if (!req.is('application/json')) {
      res
        .status(415)
        .json({ error: 'unsupported_media_type', message: 'send Content-Type: application/json' });
      return;
    }
    parseJson(req, res, (error?: unknown) => {
      if (!error) return next();
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') {
        res.status(413).json({ error: 'payload_too_large', message: `at most ${WEBHOOK_BODY_LIMIT}` });
      } else {
        res.status(400).json({ error: 'invalid_json', message: 'the body is not valid JSON' });
      }
    });
  };
}

/** Parses req.body with `schema`; on failure answers 400 with zod's issues. */
export function parseBody<T>(schema: z.ZodType<T>, req: Request, res: Response): T | undefined {
  const result = schema.safeParse(req.body);
  if (result.success) return result.data;
  res.status(400).json({
    error: 'invalid_body',
    issues: result.error.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      code: i.code,
      message: i.message,
    })),
  });
  return undefined;
}

/** Express 5 forwards rejected promises, but this keeps handlers typed as plain async functions. */
export function asyncRoute(handler: (req: Request, res: Response) => Promise<void> | void): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    Promise.resolve(handler(req, res)).catch(next);
  };
}
