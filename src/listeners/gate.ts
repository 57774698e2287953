// The gate every Slack request passes, in every transport, right after shutdown tracking. It
// acknowledges at once, and does nothing else with, whatever no listener handles — a button on
// an older message, view_closed, block_suggestion, a legacy interactive_message or
// dialog_submission, another app's callback id, an event nobody listens to — where Bolt would
// wait 3 s and answer 404, which Slack shows the user as an error. It acknowledges, without
// handling it again, a request already handled: a retry of an event (X-Slack-Retry-Num, or a
// Socket Mode envelope's retry_attempt) or a replay of a signed command or interaction within
// its five-minute window.

import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Statement } from 'better-sqlite3';
import type { AppDeps } from '../app/deps.js';
import { ACTION, COMMAND, EVENT, SHORTCUT, VIEW } from '../kit/ids.js';
import type { Store } from '../store/store.js';

const ACTION_IDS: ReadonlySet<string> = new Set(Object.values(ACTION));
/** Per-probe buttons carry the probe id after a colon (see perProbeActionId). */
const ACTION_PREFIXES = [`${ACTION.proposeIssue}:`];
const VIEW_IDS: ReadonlySet<string> = new Set(Object.values(VIEW));
const SHORTCUT_IDS: ReadonlySet<string> = new Set(Object.values(SHORTCUT));
const EVENT_TYPES: ReadonlySet<string> = new Set(Object.values(EVENT));

type Body = Record<string, unknown>;

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
const rec = (value: unknown) =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : undefined;

export interface RequestKind {
  /** `command`, `block_actions`, `view_submission`, `event:app_home_opened`… for logs and metrics. */
  readonly kind: string;
  /** Whether a listener of this app handles it. */
  readonly handled: boolean;
  /** What stays the same across retries and replays of one request (event_id, trigger_id). */
  readonly id: string | undefined;
  /** The empty answer that request type expects, when it is acknowledged without handling. */
  readonly emptyAnswer?: Record<string, unknown>;
}

function actionHandled(id: string | undefined): boolean {
  return id !== undefined && (ACTION_IDS.has(id) || ACTION_PREFIXES.some((p) => id.startsWith(p)));
}

/** Tells apart what the listeners registered in this folder handle; pure. */
export function classify(body: Body): RequestKind {
  const trigger = str(body.trigger_id);
  const id = trigger && `trigger:${trigger}`;
  if (typeof body.command === 'string') return { kind: 'command', handled: body.command === COMMAND, id };
  switch (body.type) {
    case 'event_callback': {
      const type = str(rec(body.event)?.type) ?? 'unknown';
      const eventId = str(body.event_id);
      return { kind: `event:${type}`, handled: EVENT_TYPES.has(type), id: eventId && `event:${eventId}` };
    }
    case 'block_actions': {
      const actions = Array.isArray(body.actions) ? body.actions : [];
      const handled = actions.some((a) => actionHandled(str(rec(a)?.action_id)));
      return { kind: 'block_actions', handled, id };
    }
    case 'view_submission':
      return { kind: 'view_submission', handled: VIEW_IDS.has(str(rec(body.view)?.callback_id) ?? ''), id };
    case 'shortcut':
    case 'message_action':
      return { kind: body.type, handled: SHORTCUT_IDS.has(str(body.callback_id) ?? ''), id };
    case 'block_suggestion':
      return { kind: 'block_suggestion', handled: false, id: undefined, emptyAnswer: { options: [] } };
    default:
      // view_closed, interactive_message, dialog_submission, dialog_cancellation, url_verification…
      return { kind: str(body.type) ?? 'unknown', handled: false, id: undefined };
  }
}

/** Request ids remembered: longer than Slack retries (about an hour) and the 5-minute window. */
const SEEN_FOR_MS = 2 * 3_600_000;
const PRUNE_EVERY_MS = 10 * 60_000;

/** How long ids wait in memory before one transaction writes them all to the store. */
const FLUSH_AFTER_MS = 50;

/**
 * Slack requests already handled, by id: in memory for this process, and in the store (so a
 * restart agrees) a moment later, several ids per transaction. A commit waits for the disk, and
 * the ack of every command waits for this check: the disk must not be on that path. What is
 * lost in a crash is at most the last 50 ms of ids, far shorter than Slack's first retry (3 s).
 */
export class SeenRequests {
  private lastPrune = 0;
  private readonly recent = new Map<string, number>();
  private pending: Array<[id: string, at: string]> = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly insert: Statement;
  private readonly select: Statement;
  private readonly prune: Statement;

  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    this.insert = store.relaxed.prepare(
      'INSERT INTO slack_requests_seen (id, seen_at) VALUES (?, ?) ON CONFLICT(id) DO NOTHING',
    );
    this.select = store.relaxed.prepare('SELECT 1 FROM slack_requests_seen WHERE id = ?');
    this.prune = store.relaxed.prepare('DELETE FROM slack_requests_seen WHERE seen_at < ?');
  }

  /** True for the first caller with this id; false for a retry or replay of it. */
  claim(id: string): boolean {
    const now = this.now().getTime();
    const seen = this.recent.get(id);
    if (seen !== undefined && now - seen < SEEN_FOR_MS) return false;
    if (seen === undefined && this.select.get(id) !== undefined) return false;
    this.recent.set(id, now);
    this.pending.push([id, new Date(now).toISOString()]);
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_AFTER_MS).unref();
    return true;
  }

  /** Writes the ids claimed since the last flush, and prunes what is older than two hours. */
  flush(): void {
    this.flushTimer = undefined;
    const batch = this.pending;
    this.pending = [];
    const now = this.now().getTime();
    try {
      this.store.relaxed
        .transaction(() => {
          for (const [id, at] of batch) this.insert.run(id, at);
          if (now - this.lastPrune > PRUNE_EVERY_MS) {
            this.lastPrune = now;
            const cutoff = now - SEEN_FOR_MS;
            this.prune.run(new Date(cutoff).toISOString());
            for (const [id, at] of this.recent) if (at < cutoff) this.recent.delete(id);
          }
        })
        .immediate();
    } catch (error) {
      this.onError(error);
    }
  }
}

/**
 * Reads each request once and lets through only what a listener handles and has not handled
 * before. Anything else is acknowledged at once with its type's empty answer and counted:
 * unhandled at debug level, a retry or replay at info level.
 */
export function gate(
  deps: Pick<AppDeps, 'logger' | 'metrics'> & { readonly seen: SeenRequests },
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const request = classify(args.body as unknown as Body);
    const ack = (args as { ack?: (answer?: unknown) => Promise<void> }).ack;
    if (!request.handled) {
      deps.metrics.slackUnhandled.inc({ kind: request.kind });
      deps.logger.debug(
        { kind: request.kind },
        'Slack request no listener handles: acknowledged, nothing done',
      );
      await ack?.(request.emptyAnswer);
      return;
    }
    let first = true;
    if (request.id) {
      try {
        first = deps.seen.claim(request.id);
      } catch (error) {
        // The store cannot tell: handle it (a rare double beats a lost click).
        deps.logger.warn(`cannot check for a repeated Slack request: ${String(error)}`);
      }
    }
    if (first) {
      await args.next();
      return;
    }
    const retry = (args.context as { retryNum?: number }).retryNum;
    deps.metrics.slackDuplicates.inc({ kind: request.kind });
    deps.logger.info(
      { kind: request.kind, retry: retry ?? null },
      'Slack request already handled (a retry or a replay): acknowledged, not handled again',
    );
    await ack?.(request.emptyAnswer);
  };
}
