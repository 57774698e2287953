// What handlers and services receive from the composition root. Built once in runtime.ts;
// nothing in here is a hidden global, so tests construct their own.

import type { SilenceApis } from './alerts/alertmanager-client.js';
import type { AlertGroups } from './alerts/groups.js';
import type { AlertOutbox } from './alerts/outbox.js';
import type { AlertVisibility } from './alerts/visibility.js';
import type { Config } from './config/index.js';
import type { DigestScheduler } from './digests/scheduler.js';
import type { HomePublisher } from './home/publisher.js';
import type { IssueService } from './issues/service.js';
import type { Lifecycle } from './kit/lifecycle.js';
import type { Logger } from './kit/logger.js';
import type { BotMetrics } from './kit/metrics.js';
import type { Permissions } from './kit/permissions.js';
import type { PushResults } from './probes/push-results.js';
import type { ProbeResults } from './probes/results-store.js';
import type { ProbeRunner } from './probes/runner.js';
import type { Store } from './store/store.js';

/** Which optional outside systems are connected, for honest "not configured" answers. */
export interface Features {
  readonly notion: boolean;
  readonly alertmanager: boolean;
  readonly grafana: boolean;
  readonly webhooks: boolean;
}

export interface AppDeps {
  readonly config: Config;
  readonly store: Store;
  readonly logger: Logger;
  readonly metrics: BotMetrics;
  readonly lifecycle: Lifecycle;
  readonly features: Features;
  readonly now: () => Date;
  readonly runner: ProbeRunner;
  readonly results: ProbeResults;
  readonly pushResults: PushResults;
  readonly digests: DigestScheduler;
  readonly alerts: {
    readonly groups: AlertGroups;
    readonly outbox: AlertOutbox;
    /** Which groups each person may see outside their channel. */
    readonly visibility: AlertVisibility;
  };
  readonly permissions: Permissions;
  /** Where Silence 1h creates silences: Alertmanager, and Grafana for Grafana's alerts. */
  readonly silenceApis: SilenceApis;
  readonly issues: IssueService;
  readonly home: HomePublisher;
}

/** One line per missing piece of configuration, shown under help and on the Home tab. */
export function configurationNotes(deps: Pick<AppDeps, 'config' | 'features'>): string[] {
  const notes: string[] = [];
  if (deps.config.probes.length === 0)
    notes.push('No checks are configured: add `probes:` to audit-bot.yml.');
  if (!deps.features.notion)
    notes.push('Notion is not connected (NOTION_TOKEN unset): issues stay local drafts.');
  if (!deps.features.webhooks)
    notes.push('Alert and probe webhooks are off until AUDIT_BOT_WEBHOOK_TOKEN is set.');
  return notes;
}
