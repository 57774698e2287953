// What one probe kind provides: the schema of its entry in audit-bot.yml, its default timeout
// and refresh schedule, how relative paths in it are resolved, and how a Probe is built from
// it. Each kind is one module exporting one of these; `index.ts` registers them in one table.

import type { Client } from '@notionhq/client';
import { z } from 'zod';
import { cronExpression, duration, ratio, slug } from '../kit/schemas.js';
import type { SecretMasker } from '../kit/secrets.js';
import type { Store } from '../store/store.js';
import type { PushResults } from './push-results.js';
import type { Probe } from './types.js';

/** Fields every probe has. */
/** A regular expression, checked when the file is read (matched case-insensitively). */
const pattern = z.string().refine(
  (source) => {
    try {
      new RegExp(source, 'i');
      return true;
    } catch {
      return false;
    }
  },
  { error: 'must be a valid regular expression' },
);

export const probeBase = {
  id: slug,
  title: z.string().min(1).optional(),
  /** Issue titles this check tracks (an audit report's documented issues), beyond the default rule. */
  issue_match: pattern.optional(),
  refresh: cronExpression.optional(),
  timeout: duration.optional(),
};
/** Ratio probes: ok when covered/total >= target. */
export const ratioTarget = { target: ratio.optional() };
/** Value probes: ok when min <= value <= max. */
export const valueBounds = { min: z.number().optional(), max: z.number().optional() };

/** The check of valueBounds: a range that nothing can satisfy is a mistake in the file. */
export function checkBounds(probe: { min?: number; max?: number }, ctx: z.RefinementCtx) {
  if (probe.min !== undefined && probe.max !== undefined && probe.min > probe.max)
    ctx.addIssue({ code: 'custom', path: ['min'], message: `must not be greater than max (${probe.max})` });
}

/** What building a probe may use. */
export interface ProbeDeps {
  readonly store: Store;
  readonly pushResults: PushResults;
  /** Undefined when NOTION_TOKEN is not set. */
  readonly notion: Client | undefined;
  readonly now: () => Date;
  /** `reports.dir` of the config file, for report probes without a `dir` of their own. */
  readonly reportsDir: string | undefined;
  /** What command probes inherit from the bot's environment (Env.childEnv). */
  readonly childEnv?: Readonly<Record<string, string>>;
  readonly masker?: SecretMasker;
}

export interface ProbeKind<Name extends string, Schema extends z.ZodType<{ kind: Name }>> {
  readonly kind: Name;
  readonly schema: Schema;
  /** Time limit when the probe sets no `timeout`. */
  readonly defaultTimeoutMs: number;
  /** Refresh schedule when the probe sets no `refresh`. */
  readonly defaultRefresh: string;
  /** Relative paths in the entry, resolved with `at` against the config file's folder. */
  readonly resolvePaths?: (probe: z.output<Schema>, at: (relative: string) => string) => z.output<Schema>;
  readonly create: (probe: z.output<Schema>, context: ProbeDeps) => Probe;
}

/** Keeps each kind's types exact while checking it against the contract. */
export function defineProbeKind<Name extends string, Schema extends z.ZodType<{ kind: Name }>>(
  kind: ProbeKind<Name, Schema>,
): ProbeKind<Name, Schema> {
  return kind;
}
