// `audit-bot.yml`, parsed with zod at the edge. A bad file is reported as one line per problem
// (`probes[2].target: must be between 0 and 1`) so the user can fix all of them in one go. Each
// probe kind brings its own schema (src/probes/); retention brings its own (src/store/).

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../kit/errors.js';
import { PERMISSIONS } from '../kit/permissions.js';
import {
  channelId,
  cronExpression,
  duration,
  notionId,
  slug,
  timezone,
  userId,
  userOrGroupId,
} from '../kit/schemas.js';
import { type ProbeConfig, probeSchema, resolveProbePaths } from '../probes/index.js';
import { retentionSchema } from '../store/retention.js';
import { formatIssues, readableIssue } from './messages.js';

/** notion.issues.claim_lease: longer than a creation takes, even through Notion's rate limits. */
export const DEFAULT_CLAIM_LEASE_MS = 5 * 60_000;

const digest = z.strictObject({
  id: slug,
  title: z.string().min(1).optional(),
  cron: cronExpression,
  channel: channelId.optional(),
  probes: z.array(z.string()).default([]),
  /** A slot missed while the bot was down is still posted when it comes back within this time. */
  grace: duration.default(2 * 3_600_000),
  /** How long a digest waits for stale probes to be measured again before posting anyway. */
  refresh_wait: duration.default(60_000),
});

/** Shell-mode demo sources generated at start (the bundled example uses them). */
const demoSchema = z.strictObject({
  eagle: z
    .strictObject({
      port: z.number().int().min(1).max(65535),
      items: z.number().int().nonnegative(),
      fingerprinted: z.number().int().nonnegative(),
      tag_prefix: z.string().min(1).default('fp:'),
    })
    .optional(),
  djay: z
    .strictObject({
      path: z.string().min(1),
      tracks: z.number().int().nonnegative(),
      matched: z.number().int().nonnegative(),
    })
    .optional(),
});

const configFileSchema = z
  .strictObject({
    timezone: timezone.default('UTC'),
    slack: z
      .strictObject({
        channels: z
          .strictObject({
            digest: channelId.optional(),
            alerts: channelId.optional(),
            issues: channelId.optional(),
          })
          .default({}),
        approvers: z.array(userId).default([]),
        permissions: z.partialRecord(z.enum(PERMISSIONS), z.array(userOrGroupId)).default({}),
      })
      .prefault({}),
    probes: z.array(probeSchema).default([]),
    reports: z.strictObject({ dir: z.string().min(1) }).optional(),
    digests: z.array(digest).default([]),
    alerts: z
      .strictObject({
        default_channel: channelId.optional(),
        routes: z
          .array(z.strictObject({ match: z.record(z.string(), z.string()), channel: channelId }))
          .default([]),
        /** Messages per second per channel; Slack allows about one, with short bursts. */
        rate_per_channel: z.number().positive().max(100).default(1),
        burst: z.number().int().min(1).max(100).default(3),
        /**
         * Open (firing) groups of one source shown at most; more are kept and held back, with one
         * notice per channel saying so, until others resolve. See sourceKeyOf for "source".
         */
        max_open_groups_per_source: z.number().int().min(1).max(100_000).default(50),
        /**
         * Who sees a group in /audit alerts and on the Home tab: members of its channel (and
         * holders of view_all_alerts), or everyone.
         */
        visible_to: z.enum(['channel_members', 'everyone']).default('channel_members'),
      })
      .prefault({}),
    notion: z
      .strictObject({
        issues: z
          .strictObject({
            data_source: notionId,
            properties: z
              .strictObject({
                title: z.string().optional(),
                priority: z.string().optional(),
                type: z.string().optional(),
                description: z.string().optional(),
                /** The issue's state: a Notion `status` property, or a select (default: found). */
                status: z.string().optional(),
                /** Who works on it: a `people` property (default: the first one). */
                assignee: z.string().optional(),
              })
              .default({}),
            /**
             * How often pages edited in Notion are read back, for installs Notion's webhooks
             * cannot reach (Socket Mode, no public URL); webhooks make it faster, not needed.
             */
            poll_every: duration
              .refine((ms) => ms >= 10_000, { message: 'must be at least 10s' })
              .default(120_000),
            /**
             * How long an issue creation (or a proposal post) claimed by a live process is left to
             * it; after that the periodic sweep or the next Approve resumes it. Claims of a process
             * that is gone are resumed at once.
             */
            claim_lease: duration
              .refine((ms) => ms >= 1000, { message: 'must be at least 1s' })
              .default(DEFAULT_CLAIM_LEASE_MS),
            /** Measurements in a row at target before closing an issue's check is offered. */
            close_after: z.number().int().min(1).max(100).default(2),
            /** The status (or select option) Close issue sets; default: Done, Closed, Resolved… found. */
            done_status: z.string().min(1).optional(),
          })
          .optional(),
      })
      .default({}),
    demo: demoSchema.optional(),
    retention: retentionSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const seen = new Map<string, number>();
    config.probes.forEach((p, index) => {
      const first = seen.get(p.id);
      if (first !== undefined)
        issue(['probes', index, 'id'], `"${p.id}" is already used by probes[${first}]`);
      else seen.set(p.id, index);
    });
    const digestIds = new Set<string>();
    config.digests.forEach((d, index) => {
      if (digestIds.has(d.id)) issue(['digests', index, 'id'], `"${d.id}" is used by another digest`);
      digestIds.add(d.id);
      d.probes.forEach((probeId, j) => {
        if (!seen.has(probeId)) issue(['digests', index, 'probes', j], `no probe has id "${probeId}"`);
      });
      if (!d.channel && !config.slack.channels.digest)
        issue(['digests', index, 'channel'], 'is required when slack.channels.digest is not set');
    });
    if (!config.reports && config.probes.some((p) => p.kind === 'report' && !p.dir))
      issue(['reports', 'dir'], 'is required by the report probe');
  });

export type ConfigFile = z.output<typeof configFileSchema>;
export type DigestConfig = ConfigFile['digests'][number];

export interface Config extends ConfigFile {
  /** Absolute path of the file this came from; relative paths inside it are resolved from its folder. */
  readonly source: string;
}

/** `AUDIT_BOT_CONFIG`, else `./audit-bot.yml` when it exists, else the bundled example. */
export function resolveConfigPath(explicit: string | undefined, cwd = process.cwd()): string {
  if (explicit) return path.resolve(cwd, explicit);
  const local = path.resolve(cwd, 'audit-bot.yml');
  return existsSync(local) ? local : bundledExample();
}

/** examples/audit-bot.yml of this checkout: found from src/config/ and from the build in dist/. */
function bundledExample(): string {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'examples', 'audit-bot.yml');
    if (existsSync(candidate) || path.dirname(dir) === dir) return candidate;
  }
}

export function loadConfigFile(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'cannot be read';
    throw new ConfigError(file, [`${file}: ${reason}`], { cause: error });
  }
  return parseConfig(text, file);
}

/** Parses YAML text as a config; `file` names it in messages and anchors relative paths. */
export function parseConfig(text: string, file: string): Config {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const where = e.linePos?.[0] ? `:${e.linePos[0].line}:${e.linePos[0].col}` : '';
      const message = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
      return `${path.basename(file)}${where}: ${message}`;
    });
    throw new ConfigError(file, problems);
  }
  const result = configFileSchema.safeParse(doc.toJS() ?? {}, { error: readableIssue });
  if (!result.success) throw new ConfigError(file, formatIssues(result.error.issues));
  return resolvePaths({ ...result.data, source: path.resolve(file) });
}

function resolvePaths(config: Config): Config {
  const base = path.dirname(config.source);
  const at = (p: string) => path.resolve(base, p);
  return {
    ...config,
    reports: config.reports ? { dir: at(config.reports.dir) } : undefined,
    demo: config.demo?.djay
      ? { ...config.demo, djay: { ...config.demo.djay, path: at(config.demo.djay.path) } }
      : config.demo,
    probes: config.probes.map((p) => resolveProbePaths(p, at)),
  };
}

export type { ProbeConfig };
