// Builds one Probe per configured probe, each from its kind's module. A probe whose outside
// system is not configured (Notion without NOTION_TOKEN) still exists and says why it fails.

import type { Client } from '@notionhq/client';
import type { Config, ProbeConfig } from '../config.js';
import type { Store } from '../store/store.js';
import { createCommandProbe } from './command.js';
import { createEagleProbe } from './eagle.js';
import { createHttpJsonProbe } from './http-json.js';
import { createNotionProbe } from './notion.js';
import { createPushProbe, type PushResults } from './push.js';
import { createReportProbe } from './report.js';
import { createSqliteProbe } from './sqlite.js';
import { type Probe, ProbeError } from './types.js';

export interface ProbeFactoryDeps {
  readonly store: Store;
  readonly pushResults: PushResults;
  /** Undefined when NOTION_TOKEN is not set. */
  readonly notion: Client | undefined;
  readonly now: () => Date;
}

export function createProbes(config: Config, deps: ProbeFactoryDeps): Probe[] {
  return config.probes.map((probe) => createProbe(probe, config, deps));
}

function createProbe(probe: ProbeConfig, config: Config, deps: ProbeFactoryDeps): Probe {
  switch (probe.kind) {
    case 'notion':
      return deps.notion
        ? createNotionProbe(probe, { client: deps.notion, store: deps.store, now: deps.now })
        : unavailableProbe(probe, `Notion data source ${probe.data_source}`, 'NOTION_TOKEN is not set');
    case 'eagle':
      return createEagleProbe(probe);
    case 'sqlite':
      return createSqliteProbe(probe);
    case 'http-json':
      return createHttpJsonProbe(probe);
    case 'command':
      return createCommandProbe(probe);
    case 'push':
      return createPushProbe(probe, deps.pushResults);
    case 'report': {
      // The config schema guarantees one of the two folders.
      const reportsDir = probe.dir ?? config.reports?.dir ?? '.';
      return createReportProbe(probe, { reportsDir });
    }
  }
}

function unavailableProbe(probe: ProbeConfig, source: string, reason: string): Probe {
  return {
    id: probe.id,
    kind: probe.kind,
    title: probe.title ?? probe.id,
    source,
    async run() {
      throw new ProbeError(reason);
    },
  };
}
