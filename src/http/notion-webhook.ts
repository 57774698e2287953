// POST /notion/webhooks: Notion's webhook subscription for the Issues data source. The first
// request carries a one-time `verification_token`, which is stored (approvers see it on the Home
// tab, to paste into Notion; it is never logged). Every later request must carry
// `X-Notion-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw body keyed with that token,
// checked in constant time: 401 otherwise. Events are only signals: the pages they name are read
// back from Notion after the 200 (issues/notion-sync.ts), so a repeated or late event is harmless.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Express } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app/deps.js';
import { NOTION_VERIFICATION_TOKEN, NOTION_WEBHOOK_VERIFIED_AT } from '../issues/notion-sync.js';
import { describeError } from '../kit/errors.js';
import { WebhookGuard } from './webhook.js';

const ROUTE = '/notion/webhooks';

const verificationSchema = z.object({ verification_token: z.string().min(1) });
/** One event as Notion documents it; only what the bot reads is required. */
const eventSchema = z
  .object({ type: z.string(), entity: z.object({ id: z.string(), type: z.string() }).loose() })
  .loose();
const bodySchema = z.union([eventSchema, z.array(eventSchema).max(1000)]);

/** Whether `signature` (`sha256=<hex>`) signs `body` with `token`, compared in constant time. */
export function notionSignatureValid(body: Buffer, signature: string, token: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', token).update(body).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function registerNotionWebhook(
  http: Express,
  deps: Pick<AppDeps, 'issues' | 'store' | 'logger' | 'metrics' | 'lifecycle' | 'now' | 'home'>,
  /** NOTION_WEBHOOK_TOKEN: the verification token set by hand, over the one Notion sent. */
  configuredToken: string | undefined,
): void {
  const guard = new WebhookGuard({ token: undefined, logger: deps.logger, metrics: deps.metrics });
  http.post(ROUTE, guard.acceptSigned(ROUTE), (req, res) => {
    const sync = deps.issues.notionSync;
    if (!sync) {
      guard.refuse(ROUTE, res, 503, 'notion_not_configured', {
        message: 'NOTION_TOKEN and notion.issues are needed to follow Notion issues',
      });
      return;
    }
    const raw = res.locals.rawBody as Buffer;
    const body: unknown = req.body;
    const signature = req.get('x-notion-signature');
    const verification = verificationSchema.safeParse(body);
    if (verification.success && !signature) {
      deps.store.setSetting(NOTION_VERIFICATION_TOKEN, verification.data.verification_token, deps.now());
      deps.logger.warn(
        'Notion sent the webhook verification token: approvers find it on the bot\'s Home tab, to paste into Notion\'s "Verify" dialog',
      );
      deps.home.refreshSoon();
      res.status(200).json({ ok: true });
      return;
    }
    const token = configuredToken ?? deps.store.getSetting(NOTION_VERIFICATION_TOKEN);
    if (!token || !signature || !notionSignatureValid(raw, signature, token)) {
      const why = !token
        ? 'no verification token yet'
        : !signature
          ? 'no X-Notion-Signature'
          : 'wrong signature';
      guard.refuse(
        ROUTE,
        res,
        401,
        'bad_signature',
        { message: 'a valid X-Notion-Signature is required' },
        why,
      );
      return;
    }
    const events = guard.parse(ROUTE, bodySchema, req, res);
    if (events === undefined) return;
    if (!deps.store.getSetting(NOTION_WEBHOOK_VERIFIED_AT)) {
      deps.store.setSetting(NOTION_WEBHOOK_VERIFIED_AT, deps.now().toISOString(), deps.now());
      deps.home.refreshSoon();
    }
    const pages = [events]
      .flat()
      .filter((e) => e.entity.type === 'page')
      .map((e) => e.entity.id);
    res.status(200).json({ ok: true });
    if (pages.length === 0) return;
    void deps.lifecycle
      .track(() => sync.pages(pages))
      .catch((error: unknown) => deps.logger.warn(`Notion webhook not followed up: ${describeError(error)}`));
  });
}
