// Publishes the Home tab. Views are built once per variant (approvers see buttons, others do
// not) and cached; a user's tab is published when they open it and their copy is out of date,
// and republished when the data behind it changes. Publishing goes through one queue spaced
// for Slack's views.publish rate limit, so many users opening Home at once cost at most one
// call each, and none for a user whose tab is already current. The periodic refresh never
// rejects: a failure to build or publish a view (the store locked, Slack down) is logged and
// counted, and the next tick tries again.

import { createHash } from 'node:crypto';
import type { types, webApi } from '@slack/bolt';
import type { AlertGroups } from '../alerts/groups.js';
import { type AlertVisibility, canSee, visibilityNote } from '../alerts/visibility.js';
import { checksOf } from '../issues/check-links.js';
import { pendingVerificationToken } from '../issues/notion-sync.js';
import { isOpenIssue } from '../issues/proposals.js';
import type { IssueService } from '../issues/service.js';
import { describeError } from '../kit/errors.js';
import type { Features } from '../kit/features.js';
import { SUBCOMMANDS } from '../kit/ids.js';
import type { Logger } from '../kit/logger.js';
import type { BotMetrics } from '../kit/metrics.js';
import type { Permissions } from '../kit/permissions.js';
import { SUBCOMMAND_SPECS } from '../kit/subcommands.js';
import { LogThrottle } from '../kit/throttle.js';
import type { ProbeConfig } from '../probes/index.js';
import type { ProbeResults } from '../probes/results-store.js';
import type { ProbeRunner } from '../probes/runner.js';
import { takeSnapshot } from '../probes/snapshot.js';
import type { Store } from '../store/store.js';
import { homeView } from './blocks.js';
import { configurationNotes } from './notes.js';

/** Spacing between views.publish calls (Slack's tier allows about 100 a minute). */
export const PUBLISH_SPACING_MS = 650;
/** How often data changes are looked for. */
const CHANGE_CHECK_MS = 5000;
/** How long the answer to a Home button stays on top of the tab. */
const NOTICE_MS = 10 * 60_000;

export interface HomeDeps {
  readonly config: { readonly timezone: string; readonly probes: readonly ProbeConfig[] };
  /** Where the Notion webhook's verification token waits to be shown to approvers. */
  readonly store: Store;
  readonly features: Features;
  readonly now: () => Date;
  readonly runner: ProbeRunner;
  readonly results: ProbeResults;
  readonly alerts: { readonly groups: AlertGroups; readonly visibility: AlertVisibility };
  readonly issues: IssueService;
  readonly permissions: Permissions;
  readonly logger: Logger;
  readonly metrics?: BotMetrics;
}

export class HomePublisher {
  /** What each user who opened Home was last sent (by content hash). */
  private readonly published = new Map<string, string>();
  private readonly queue: string[] = [];
  private draining: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private cache: { at: number; views: Map<string, { view: types.HomeView; hash: string }> } | undefined;
  /** The answer to each user's last button press on the tab, shown on top of their view. */
  private readonly notices = new Map<string, { text: string; at: number }>();
  private refreshing: Promise<void> | undefined;
  /** A broken store fails every tick alike: a few lines a minute say so. */
  private readonly failureLog: LogThrottle;

  constructor(
    private readonly deps: HomeDeps,
    private readonly client: webApi.WebClient,
    private readonly spacingMs = PUBLISH_SPACING_MS,
    private readonly changeCheckMs = CHANGE_CHECK_MS,
  ) {
    this.failureLog = new LogThrottle(deps.logger);
  }

  start(): void {
    this.timer = setInterval(() => this.refreshSoon(), this.changeCheckMs);
    this.timer.unref();
  }

  /**
   * For timers and callbacks: starts a refresh unless one is running, and never rejects, so
   * no failure here can become an unhandled rejection (which ends the process).
   */
  refreshSoon(): void {
    this.refreshing ??= this.refreshAll()
      .catch((error: unknown) => this.failed('refresh', error))
      .finally(() => {
        this.refreshing = undefined;
      });
  }

  private failed(what: 'refresh' | 'publish', error: unknown, fields: Record<string, unknown> = {}): void {
    this.deps.metrics?.backgroundErrors.inc({ loop: 'home' });
    this.failureLog.warn(`home:${what}`, fields, `Home tab ${what} failed: ${describeError(error)}`);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.queue.length = 0;
    await this.draining;
  }

  /**
   * Shows `text` (mrkdwn) on top of the user's Home tab, where they pressed a button: a Home
   * view has no response_url, and a direct message is easy to miss. Kept for NOTICE_MS.
   */
  notify(userId: string, text: string): void {
    this.notices.set(userId, { text, at: this.deps.now().getTime() });
    this.enqueue(userId);
  }

  /** app_home_opened: publish unless this user already has the current view. */
  async opened(userId: string): Promise<void> {
    const { hash } = await this.viewFor(userId);
    if (this.published.get(userId) === hash) return;
    this.enqueue(userId);
    await this.draining;
  }

  /** Data changed: rebuild, and republish to every viewer whose view differs. */
  async refreshAll(): Promise<void> {
    this.cache = undefined;
    for (const userId of this.published.keys()) {
      const { hash } = await this.viewFor(userId);
      if (this.published.get(userId) !== hash) this.enqueue(userId);
    }
    await this.draining;
  }

  private enqueue(userId: string): void {
    if (!this.queue.includes(userId)) this.queue.push(userId);
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  /** Publishes the queued users' views; never rejects (its promise is shared, maybe unawaited). */
  private async drain(): Promise<void> {
    for (let userId = this.queue.shift(); userId; userId = this.queue.shift()) {
      try {
        const { view, hash } = await this.viewFor(userId);
        if (this.published.get(userId) === hash) continue;
        await this.client.views.publish({ user_id: userId, view });
        this.published.set(userId, hash);
      } catch (error) {
        this.failed('publish', error, { user: userId });
      }
      if (this.queue.length > 0) await new Promise((r) => setTimeout(r, this.spacingMs));
    }
  }

  private async viewFor(userId: string): Promise<{ view: types.HomeView; hash: string }> {
    const canApprove = await this.deps.permissions.allows('approve_issues', userId);
    const now = this.deps.now();
    const firing = this.deps.alerts.groups.firing();
    const access = await this.deps.alerts.visibility.forUser(
      userId,
      firing.map((row) => row.channel),
    );
    const notice = this.notices.get(userId);
    if (notice && now.getTime() - notice.at > NOTICE_MS) this.notices.delete(userId);
    const noticeText = this.notices.get(userId)?.text;
    // Views differ by approval rights and by which alert channels the viewer may see; a crowd
    // opening Home builds each variant once. A notice makes a view its viewer's own.
    const token = canApprove ? pendingVerificationToken(this.deps.store) : undefined;
    const checkTitles = new Map(checksOf(this.deps.config).map((c) => [c.id, c.title]));
    const variant = `${canApprove}|${token ? 'token' : ''}|${access.visible === 'all' ? '*' : [...access.visible].sort().join(',')}|${access.restricted}|${access.unknown.join(',')}`;
    if (!this.cache || now.getTime() - this.cache.at > 1000)
      this.cache = { at: now.getTime(), views: new Map() };
    const cached = noticeText === undefined ? this.cache.views.get(variant) : undefined;
    if (cached) return cached;
    const view = homeView({
      subcommands: SUBCOMMANDS.map((name) => SUBCOMMAND_SPECS[name]),
      notes: configurationNotes(this.deps),
      now,
      timezone: this.deps.config.timezone,
      status: takeSnapshot(this.deps.runner, this.deps.results, { now, timezone: this.deps.config.timezone }),
      alerts: firing
        .filter((row) => canSee(access, row.channel))
        .map((row) => ({
          title: row.state.title,
          severity: row.state.severity,
          channel: row.channel,
          ts: row.ts,
          firingSince: row.state.firingSince,
        })),
      proposals: this.deps.issues.proposals.open().map((p) => ({
        id: p.id,
        title: p.title,
        priority: p.priority,
        type: p.type,
        failed: p.state === 'failed',
      })),
      canApprove,
      alertsNote: visibilityNote(access),
      notice: noticeText,
      notionWebhookToken: token,
      openIssues: this.deps.issues.proposals
        .createdIssues()
        .filter(isOpenIssue)
        .map((p) => ({
          title: p.title,
          url: p.pageUrl,
          check: p.probeId ? (checkTitles.get(p.probeId) ?? p.probeId) : undefined,
          status: p.notion?.status,
          assignee: p.notion?.assignee,
        })),
    });
    // The "Updated" time changes every minute; leave it out of the comparison.
    const hash = createHash('sha256')
      .update(JSON.stringify(view.blocks.slice(0, -1)))
      .digest('hex');
    const built = { view, hash };
    if (noticeText === undefined) this.cache.views.set(variant, built);
    return built;
  }
}
