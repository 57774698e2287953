// The probe kinds, in one table: adding a kind is one module exporting a ProbeKind, and one
// line here. The config file's `probes:` schema, the runner's defaults, path resolution and
// construction all read from this table.

import { z } from 'zod';
import { commandKind } from './command.js';
import { eagleKind } from './eagle.js';
import { httpJsonKind } from './http-json.js';
import type { ProbeDeps, ProbeKind } from './kind.js';
import { notionKind } from './notion.js';
import { pushKind } from './push.js';
import { reportKind } from './report.js';
import { sqliteKind } from './sqlite.js';
import type { Probe } from './types.js';

const KINDS = [notionKind, eagleKind, sqliteKind, httpJsonKind, commandKind, pushKind, reportKind] as const;

export const PROBE_KINDS = KINDS.map((k) => k.kind);

/** One entry of `probes:` in audit-bot.yml. */
export const probeSchema = z.discriminatedUnion(
  'kind',
  [
    notionKind.schema,
    eagleKind.schema,
    sqliteKind.schema,
    httpJsonKind.schema,
    commandKind.schema,
    pushKind.schema,
    reportKind.schema,
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union' ? `must be one of ${PROBE_KINDS.join(', ')}` : undefined,
  },
);
export type ProbeConfig = z.output<typeof probeSchema>;

/**
 * The table entry of a probe's kind, typed for that probe. TypeScript cannot follow the link
 * between `probe.kind` and the entry it selects, so this one cast states it.
 */
function kindOf(probe: ProbeConfig): ProbeKind<ProbeConfig['kind'], z.ZodType<ProbeConfig>> {
  return KINDS.find((k) => k.kind === probe.kind) as never;
}

export function defaultTimeoutMs(probe: ProbeConfig): number {
  return kindOf(probe).defaultTimeoutMs;
}

export function defaultRefresh(probe: ProbeConfig): string {
  return kindOf(probe).defaultRefresh;
}

/** The probe with its relative paths resolved by `at` (against the config file's folder). */
export function resolveProbePaths(probe: ProbeConfig, at: (relative: string) => string): ProbeConfig {
  return kindOf(probe).resolvePaths?.(probe, at) ?? probe;
}

/**
 * One Probe per configured probe. A probe whose outside system is not configured (Notion
 * without NOTION_TOKEN) still exists and says why it fails. Sources are masked for known
 * secret values (a token written into a URL or an argument).
 */
export function createProbes(probes: readonly ProbeConfig[], context: ProbeDeps): Probe[] {
  return probes.map((probe) => {
    const created = kindOf(probe).create(probe, context);
    const masker = context.masker;
    if (!masker) return created;
    // Probes are plain objects whose `run` uses no `this`, so a copy behaves the same.
    return {
      ...created,
      source: masker.mask(created.source),
      ...(created.sourceDetail ? { sourceDetail: masker.mask(created.sourceDetail) } : {}),
    };
  });
}
