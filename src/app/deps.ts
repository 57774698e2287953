// What the Slack edge (commands, listeners, HTTP routes) receives from the composition root.
// Built once in runtime.ts; nothing in here is a hidden global, so tests construct their own.
// Features below the edge take only the narrow dependencies they name themselves.

import type { SilenceApis } from '../alerts/alertmanager-client.js';
import type { AlertGroups } from '../alerts/groups.js';
import type { AlertOutbox } from '../alerts/outbox.js';
import type { AlertVisibility } from '../alerts/visibility.js';
import type { Config } from '../config/index.js';
import type { DigestScheduler } from '../digests/scheduler.js';
import type { HomePublisher } from '../home/publisher.js';
import type { IssueService } from '../issues/service.js';
import type { Features } from '../kit/features.js';
import type { Lifecycle } from '../kit/lifecycle.js';
import type { Logger } from '../kit/logger.js';
import type { BotMetrics } from '../kit/metrics.js';
import type { Permissions } from '../kit/permissions.js';
import type { PushResults } from '../probes/push-results.js';
import type { ProbeResults } from '../probes/results-store.js';
import type { ProbeRunner } from '../probes/runner.js';
import type { Store } from '../store/store.js';

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
