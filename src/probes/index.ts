// Builds one Probe per configured probe, each from its kind's module. A probe whose outside
// system is not configured (Notion without NOTION_TOKEN) still exists and says why it fails.
// Sources are masked for known secret values (a token written into a URL or an argument).

import type { Client } from '@notionhq/client';
import type { Config, ProbeConfig } from '../config/index.js';
import type { SecretMasker } from '../kit/secrets.js';
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
  /** What command probes inherit from the bot's environment (Env.childEnv). */
  readonly childEnv?: Readonly<Record<string, string>>;
  readonly masker?: SecretMasker;
}

export function createProbes(config: Config, deps: ProbeFactoryDeps): Probe[] {
  return config.probes.map((probe) => {
    const created = createProbe(probe, config, deps);
    const masker = deps.masker;
    if (!masker) return created;
    // Probes are plain objects whose `run` uses no `this`, so a copy behaves the same.
    return {
      ...created,
      source: masker.mask(created.source),
      ...(created.sourceDetail ? { sourceDetail: masker.mask(created.sourceDetail) } : {}),
    };
  });
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
      return createCommandProbe(probe, {
        ...(deps.childEnv ? { baseEnv: deps.childEnv } : {}),
        ...(deps.masker ? { masker: deps.masker } : {}),
      });
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
