// Environment and `audit-bot.yml`, parsed with zod at the edge. This is the only module that
// reads `process.env`; everything else receives the parsed, typed result. A bad configuration
// is reported as one line per problem (`probes[2].target: must be between 0 and 1`) so the
// user can fix all of them in one go.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { validateDetailed as validateCron } from 'node-cron';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../kit/errors.js';

// ---------------------------------------------------------------------------------------------
// Shared field schemas

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90s`, `5m`, `48h`, `1d`, `500ms` → milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match as unknown as [string, string, keyof typeof DURATION_UNITS_MS];
  return Math.round(Number(amount) * DURATION_UNITS_MS[unit]);
}

const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `must be a duration like 30s, 15m, 48h or 1d (got "${text}")` });
    return z.NEVER;
  }
  return ms;
});

const cronExpression = z.string().superRefine((expression, ctx) => {
  const fields = expression.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a cron expression with 5 fields (or 6 with seconds first), got ${fields}`,
    });
    return;
  }
  const result = validateCron(expression);
  if (!result.valid) {
    const detail = result.errors.map((e) => `${e.field} "${e.value}"`).join(', ');
    ctx.addIssue({ code: 'custom', message: `is not a valid cron expression (${detail})` });
  }
});

const timezone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as Europe/Berlin or UTC' },
);

const channelId = z
  .string()
  .regex(/^[CGD][A-Z0-9]{2,}$/, { message: 'must be a Slack channel ID such as C0123ABCD (not a #name)' });
const userId = z
  .string()
  .regex(/^[UW][A-Z0-9]{2,}$/, { message: 'must be a Slack user ID such as U0123ABCD' });
const userOrGroupId = z
  .string()
  .regex(/^[UWS][A-Z0-9]{2,}$/, { message: 'must be a Slack user ID (U…) or user-group ID (S…)' });

/** Notion ids are 32 hex digits, with or without dashes. */
const notionId = z
  .string()
  .transform((id) => id.replaceAll('-', '').toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{32}$/, { message: 'must be a Notion id of 32 hex digits' }));

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
const ratio = z
  .number()
  .min(0, { message: 'must be between 0 and 1' })
  .max(1, { message: 'must be between 0 and 1' });
const selectSql = z
  .string()
  // WITH … SELECT is read-only too; the sqlite probe also refuses any statement that writes.
  .regex(/^\s*(select|with)\b/i, { message: 'must be a single SELECT statement' })
  .refine((sql) => !/;\s*\S/.test(sql), { message: 'must be a single SELECT statement' });

// ---------------------------------------------------------------------------------------------
// Probes

const probeBase = {
  id: z.string().regex(/^[a-z0-9-]+$/, { message: 'must use only a-z, 0-9 and -' }),
  title: z.string().min(1).optional(),
  refresh: cronExpression.optional(),
  timeout: duration.optional(),
};
const ratioTarget = { target: ratio.optional() };
const valueBounds = { min: z.number().optional(), max: z.number().optional() };

const notionProbe = z.strictObject({
  ...probeBase,
  ...ratioTarget,
  kind: z.literal('notion'),
  data_source: notionId,
  covered_when: z.strictObject({
    property: z.string().min(1),
    is_not_empty: z.literal(true).optional(),
    equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
  }),
  /** A full scan corrects counts for deleted pages; between scans only edited pages are read. */
  full_scan_every: duration.default(24 * 3_600_000),
});

const eagleProbe = z.strictObject({
  ...probeBase,
  ...ratioTarget,
  kind: z.literal('eagle'),
  url: httpUrl.default('http://localhost:41595'),
  token: z.string().optional(),
  covered_when: z.union(
    [
      z.strictObject({ tag_prefix: z.string().min(1) }),
      z.strictObject({
        annotation_regex: z.string().refine(isValidRegex, { message: 'must be a valid regular expression' }),
      }),
    ],
    { error: 'must be { tag_prefix: "..." } or { annotation_regex: "..." }' },
  ),
});

const sqliteProbe = z.strictObject({
  ...probeBase,
  ...ratioTarget,
  kind: z.literal('sqlite'),
  path: z.string().min(1),
  total_sql: selectSql,
  covered_sql: selectSql,
});

const httpJsonProbe = z.strictObject({
  ...probeBase,
  ...valueBounds,
  kind: z.literal('http-json'),
  url: httpUrl,
  value: z.string().regex(/^[^.\s]+(\.[^.\s]+)*$/, { message: 'must be a dotted path such as latency.p95' }),
});

/** Environment variables a child process is given by name (`env:` of command probes). */
const childEnvMap = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be a variable name such as PYTHONPATH' }),
  z.string(),
);

const commandProbe = z.strictObject({
  ...probeBase,
  ...ratioTarget,
  ...valueBounds,
  kind: z.literal('command'),
  run: z
    .array(z.string().min(1))
    .min(1, { message: 'must name the program to run, as a list: [python3, -m, …]' }),
  cwd: z.string().optional(),
  /** Added to the minimal environment the program runs with (never the bot's secrets). */
  env: childEnvMap.optional(),
});

const pushProbe = z.strictObject({
  ...probeBase,
  kind: z.literal('push'),
  stale_after: duration.optional(),
});

const reportProbe = z.strictObject({
  ...probeBase,
  kind: z.literal('report'),
  /** Defaults to `reports.dir`. */
  dir: z.string().optional(),
});

export const PROBE_KINDS = ['notion', 'eagle', 'sqlite', 'http-json', 'command', 'push', 'report'] as const;

const probe = z
  .discriminatedUnion('kind', [
    notionProbe,
    eagleProbe,
    sqliteProbe,
    httpJsonProbe,
    commandProbe,
    pushProbe,
    reportProbe,
  ])
  .superRefine((p, ctx) => {
    if ('min' in p && 'max' in p && p.min !== undefined && p.max !== undefined && p.min > p.max) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: `must not be greater than max (${p.max})` });
    }
    if (p.kind === 'notion') {
      const { is_not_empty, equals } = p.covered_when;
      if ((is_not_empty === undefined) === (equals === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['covered_when'],
          message: 'must have exactly one of is_not_empty: true or equals: <value>',
        });
      }
    }
  });

function isValidRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Retention: how long stored rows are kept (src/store/retention.ts prunes them on a timer)

const BYTE_UNITS = {
  B: 1,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
} as const;

/** `50MB`, `512KiB`, `1GB` → bytes (KB/MB/GB decimal, KiB/MiB/GiB binary). */
export function parseByteSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)$/.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match as unknown as [string, string, keyof typeof BYTE_UNITS];
  return Math.round(Number(amount) * BYTE_UNITS[unit]);
}

const byteSize = z.string().transform((text, ctx) => {
  const bytes = parseByteSize(text);
  if (bytes === undefined || bytes <= 0) {
    ctx.addIssue({ code: 'custom', message: `must be a size like 512KB, 50MB or 1GiB (got "${text}")` });
    return z.NEVER;
  }
  return bytes;
});

/** `null` keeps rows forever (by that measure). */
const maxAge = (fallback: number) => duration.nullable().default(fallback);
const maxBytes = (fallback: number) => byteSize.nullable().default(fallback);
const DAY_MS = 86_400_000;

const retentionSchema = z.strictObject({
  /** How often the pruning job runs. */
  interval: duration.default(3_600_000),
  /** Probe history; the latest result (and latest figure) of each probe is always kept. */
  probe_results: z
    .strictObject({ max_age: maxAge(90 * DAY_MS), max_bytes: maxBytes(100 * 1000 ** 2) })
    .prefault({}),
  /** Bodies POSTed to /probes/:id/results; the latest of each probe is always kept. */
  push_results: z
    .strictObject({ max_age: maxAge(30 * DAY_MS), max_bytes: maxBytes(50 * 1000 ** 2) })
    .prefault({}),
  /** Alert webhook bodies as received (already applied to their groups when stored). */
  alert_inbox: z
    .strictObject({ max_age: maxAge(14 * DAY_MS), max_bytes: maxBytes(50 * 1000 ** 2) })
    .prefault({}),
  /** Finished digest slots; unfinished claims and the newest slot of each digest stay. */
  digest_runs: z.strictObject({ max_age: maxAge(365 * DAY_MS) }).prefault({}),
  /** Resolved alert groups fully delivered to Slack, with their thread replies. */
  alert_groups: z.strictObject({ max_age: maxAge(30 * DAY_MS) }).prefault({}),
  /** Notion page counts of probes removed from the config, after their last full scan. */
  notion_pages: z.strictObject({ max_age: maxAge(7 * DAY_MS) }).prefault({}),
});
export type RetentionConfig = z.output<typeof retentionSchema>;

// ---------------------------------------------------------------------------------------------
// The whole file

/** notion.issues.claim_lease: longer than a creation takes, even through Notion's rate limits. */
export const DEFAULT_CLAIM_LEASE_MS = 5 * 60_000;

export const PERMISSIONS = [
  'approve_issues',
  'silence_alerts',
  'post_digests',
  'refresh',
  'view_all_alerts',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const digest = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/, { message: 'must use only a-z, 0-9 and -' }),
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
      .default({ channels: {}, approvers: [], permissions: {} }),
    probes: z.array(probe).default([]),
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
      .default({
        routes: [],
        rate_per_channel: 1,
        burst: 3,
        max_open_groups_per_source: 50,
        visible_to: 'channel_members',
      }),
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
              })
              .default({}),
            /**
             * How long an issue creation (or a proposal post) claimed by a live process is left to
             * it; after that the periodic sweep or the next Approve resumes it. Claims of a process
             * that is gone are resumed at once.
             */
            claim_lease: duration
              .refine((ms) => ms >= 1000, { message: 'must be at least 1s' })
              .default(DEFAULT_CLAIM_LEASE_MS),
          })
          .optional(),
      })
      .default({}),
    demo: demoSchema.optional(),
    retention: retentionSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.probes.forEach((p, index) => {
      const first = seen.get(p.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['probes', index, 'id'],
          message: `"${p.id}" is already used by probes[${first}]`,
        });
      } else seen.set(p.id, index);
    });
    const digestIds = new Set<string>();
    config.digests.forEach((d, index) => {
      if (digestIds.has(d.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['digests', index, 'id'],
          message: `"${d.id}" is used by another digest`,
        });
      }
      digestIds.add(d.id);
      d.probes.forEach((probeId, j) => {
        if (!seen.has(probeId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['digests', index, 'probes', j],
            message: `no probe has id "${probeId}"`,
          });
        }
      });
      if (!d.channel && !config.slack.channels.digest) {
        ctx.addIssue({
          code: 'custom',
          path: ['digests', index, 'channel'],
          message: 'is required when slack.channels.digest is not set',
        });
      }
    });
    if (config.probes.some((p) => p.kind === 'report') && !config.reports) {
      const hasOwnDir = config.probes.every((p) => p.kind !== 'report' || p.dir);
      if (!hasOwnDir)
        ctx.addIssue({
          code: 'custom',
          path: ['reports', 'dir'],
          message: 'is required by the report probe',
        });
    }
  });

export type ConfigFile = z.output<typeof configFileSchema>;
export type ProbeConfig = ConfigFile['probes'][number];
export type DigestConfig = ConfigFile['digests'][number];

export interface Config extends ConfigFile {
  /** Absolute path of the file this came from; relative paths inside it are resolved from its folder. */
  readonly source: string;
}

// ---------------------------------------------------------------------------------------------
// Environment

const optionalSecret = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

/** A base URL with no user name or password in it: URLs are shown and logged, secrets are not. */
const serviceUrl = (credentialsVariable: string) =>
  httpUrl.refine(
    (url) => {
      try {
        const parsed = new URL(url);
        return parsed.username === '' && parsed.password === '';
      } catch {
        return false;
      }
    },
    { message: `must not contain a user name or password (put credentials in ${credentialsVariable})` },
  );

const envSchema = z
  .object({
    SLACK_BOT_TOKEN: optionalSecret.pipe(
      z.string().startsWith('xoxb-', { message: 'must be a bot token starting with xoxb-' }).optional(),
    ),
    SLACK_SIGNING_SECRET: optionalSecret,
    SLACK_APP_TOKEN: optionalSecret.pipe(
      z
        .string()
        .startsWith('xapp-', { message: 'must be an app-level token starting with xapp-' })
        .optional(),
    ),
    SLACK_API_URL: z.preprocess(emptyToUndefined, httpUrl.default('https://slack.com/api/')),
    NOTION_TOKEN: optionalSecret,
    NOTION_BASE_URL: z.preprocess(emptyToUndefined, httpUrl.default('https://api.notion.com')),
    ALERTMANAGER_URL: z.preprocess(emptyToUndefined, serviceUrl('ALERTMANAGER_AUTHORIZATION').optional()),
    /** The whole Authorization header value sent to Alertmanager (`Bearer …`, `Basic …`). */
    ALERTMANAGER_AUTHORIZATION: optionalSecret.pipe(
      z
        .string()
        .regex(/^[A-Za-z][\w.-]*\s+\S+$/, {
          message: 'must be a whole Authorization header value such as "Bearer <token>" or "Basic <base64>"',
        })
        .optional(),
    ),
    GRAFANA_URL: z.preprocess(emptyToUndefined, serviceUrl('GRAFANA_TOKEN').optional()),
    GRAFANA_TOKEN: optionalSecret,
    AUDIT_BOT_CONFIG: z.preprocess(emptyToUndefined, z.string().optional()),
    AUDIT_BOT_DB: z.preprocess(emptyToUndefined, z.string().default('./data/audit-bot.db')),
    AUDIT_BOT_WEBHOOK_TOKEN: optionalSecret,
    /** Shell mode only: the Slack user ID the console acts as (for trying approver-only actions). */
    AUDIT_BOT_SHELL_USER: z.preprocess(emptyToUndefined, userId.optional()),
    PORT: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number()
        .int({ message: 'must be a whole number' })
        .min(0, { message: 'must be between 0 and 65535' })
        .max(65535, { message: 'must be between 0 and 65535' })
        .default(3000),
    ),
    HOST: z.preprocess(emptyToUndefined, z.string().optional()),
    LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_BOT_TOKEN'],
        message: 'is set, but neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode) is',
      });
    }
    if (env.GRAFANA_URL && !env.GRAFANA_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['GRAFANA_TOKEN'],
        message: 'is required when GRAFANA_URL is set (a Grafana service account token with silence rights)',
      });
    }
    if (env.GRAFANA_TOKEN && !env.GRAFANA_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['GRAFANA_URL'],
        message: 'is required when GRAFANA_TOKEN is set',
      });
    }
    if (env.ALERTMANAGER_AUTHORIZATION && !env.ALERTMANAGER_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['ALERTMANAGER_URL'],
        message: 'is required when ALERTMANAGER_AUTHORIZATION is set',
      });
    }
    if (!env.SLACK_BOT_TOKEN && (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN)) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_BOT_TOKEN'],
        message: 'is required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set',
      });
    }
  });

function emptyToUndefined(value: unknown): unknown {
  return typeof value === 'string' && value.trim() === '' ? undefined : value;
}

/**
 * The bot's own variables a child process inherits; everything else (the tokens above all)
 * stays in the bot. PATH finds the program and what it runs; HOME is where tools keep their
 * configuration and caches (some refuse to start without it); LANG and LC_ALL choose the text
 * encoding of the program's output (Python's stdout follows the locale); TZ keeps the
 * program's local times in agreement with the bot's; TMPDIR is where it may write scratch
 * files (per user on macOS).
 */
export const CHILD_ENV_KEYS = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'] as const;

/** The inheritable subset of `source` (see CHILD_ENV_KEYS). */
export function childBaseEnv(source: NodeJS.ProcessEnv): Readonly<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const key of CHILD_ENV_KEYS) {
    const value = source[key];
    if (typeof value === 'string' && value !== '') env[key] = value;
  }
  return env;
}

export type Transport =
  | { kind: 'http'; botToken: string; signingSecret: string }
  | { kind: 'socket'; botToken: string; appToken: string }
  | { kind: 'shell' };

export interface Env {
  readonly slackApiUrl: string;
  readonly transport: Transport;
  readonly notionToken: string | undefined;
  readonly notionBaseUrl: string;
  readonly alertmanagerUrl: string | undefined;
  /** Authorization header value for Alertmanager's API. */
  readonly alertmanagerAuthorization: string | undefined;
  /** Grafana's base URL and service account token, for silences of Grafana alerts. */
  readonly grafana: { readonly url: string; readonly token: string } | undefined;
  readonly configPath: string | undefined;
  readonly dbPath: string;
  readonly webhookToken: string | undefined;
  readonly shellUser: string | undefined;
  readonly port: number;
  readonly host: string;
  readonly logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** What child processes (command probes) inherit from the bot's environment. */
  readonly childEnv: Readonly<Record<string, string>>;
}

/** Parses the environment; throws a ConfigError naming every bad variable (never its value). */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) throw new ConfigError('environment', formatIssues(result.error.issues));
  const env = result.data;
  // Socket Mode wins when both are present: it needs no public URL, and a signing secret is
  // often copied into the environment alongside the app token without a request URL behind it.
  const transport: Transport =
    env.SLACK_BOT_TOKEN && env.SLACK_APP_TOKEN
      ? { kind: 'socket', botToken: env.SLACK_BOT_TOKEN, appToken: env.SLACK_APP_TOKEN }
      : env.SLACK_BOT_TOKEN && env.SLACK_SIGNING_SECRET
        ? { kind: 'http', botToken: env.SLACK_BOT_TOKEN, signingSecret: env.SLACK_SIGNING_SECRET }
        : { kind: 'shell' };
  return {
    slackApiUrl: env.SLACK_API_URL.endsWith('/') ? env.SLACK_API_URL : `${env.SLACK_API_URL}/`,
    transport,
    notionToken: env.NOTION_TOKEN,
    notionBaseUrl: env.NOTION_BASE_URL.replace(/\/+$/, ''),
    alertmanagerUrl: env.ALERTMANAGER_URL?.replace(/\/+$/, ''),
    alertmanagerAuthorization: env.ALERTMANAGER_AUTHORIZATION,
    grafana:
      env.GRAFANA_URL && env.GRAFANA_TOKEN
        ? { url: env.GRAFANA_URL.replace(/\/+$/, ''), token: env.GRAFANA_TOKEN }
        : undefined,
    configPath: env.AUDIT_BOT_CONFIG,
    dbPath: env.AUDIT_BOT_DB,
    webhookToken: env.AUDIT_BOT_WEBHOOK_TOKEN,
    shellUser: env.AUDIT_BOT_SHELL_USER,
    port: env.PORT,
    host: env.HOST ?? (transport.kind === 'shell' ? '127.0.0.1' : '0.0.0.0'),
    logLevel: env.LOG_LEVEL,
    childEnv: childBaseEnv(source),
  };
}

// ---------------------------------------------------------------------------------------------
// Config file

/** `AUDIT_BOT_CONFIG`, else `./audit-bot.yml` when it exists, else the bundled example. */
export function resolveConfigPath(explicit: string | undefined, cwd = process.cwd()): string {
  if (explicit) return path.resolve(cwd, explicit);
  const local = path.resolve(cwd, 'audit-bot.yml');
  if (existsSync(local)) return local;
  return path.resolve(import.meta.dirname, '..', '..', 'examples', 'audit-bot.yml');
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
  const raw = doc.toJS() ?? {};
  const result = configFileSchema.safeParse(raw);
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
    probes: config.probes.map((p) => {
      switch (p.kind) {
        case 'sqlite':
          return { ...p, path: at(p.path) };
        case 'command':
          return { ...p, cwd: at(p.cwd ?? '.') };
        case 'report':
          return p.dir ? { ...p, dir: at(p.dir) } : p;
        default:
          return p;
      }
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Messages

/** `probes[2].target` from zod's `['probes', 2, 'target']`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out || '(top level)';
}

/** Zod does not say which values a discriminated union accepts; the schemas here know. */
const DISCRIMINATOR_CHOICES = { kind: PROBE_KINDS } as const;

/**
 * One readable line per zod issue, naming the key path. Values are never echoed, except where a
 * schema chooses to (durations in the config file): environment values may be secrets.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const where = issue.path;
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) lines.push(`${formatPath([...where, key])}: unknown key`);
        break;
      case 'invalid_type':
        lines.push(`${formatPath(where)}: ${describeInvalidType(issue)}`);
        break;
      case 'invalid_union':
        if ('discriminator' in issue && issue.discriminator) {
          // Zod already points the path at the discriminator key itself.
          const at = where.at(-1) === issue.discriminator ? where : [...where, issue.discriminator];
          const choices = DISCRIMINATOR_CHOICES[issue.discriminator as keyof typeof DISCRIMINATOR_CHOICES];
          lines.push(`${formatPath(at)}: must be one of ${choices?.join(', ') ?? 'the documented values'}`);
        } else lines.push(`${formatPath(where)}: ${issue.message}`);
        break;
      case 'invalid_value': {
        const values = issue.values.map((v) => String(v));
        lines.push(
          `${formatPath(where)}: must be ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}`,
        );
        break;
      }
      case 'invalid_key':
        // A record key that failed its own schema: that schema's message says what is wanted.
        lines.push(`${formatPath(where)}: ${issue.issues[0]?.message ?? issue.message}`);
        break;
      case 'too_small':
        lines.push(`${formatPath(where)}: ${describeSize(issue, 'at least')}`);
        break;
      case 'too_big':
        lines.push(`${formatPath(where)}: ${describeSize(issue, 'at most')}`);
        break;
      default:
        lines.push(`${formatPath(where)}: ${issue.message}`);
    }
  }
  return lines;
}

function describeInvalidType(issue: z.core.$ZodIssueInvalidType): string {
  // A message written in the schema (e.g. "must be a whole number") beats the generic one.
  if (!issue.message.startsWith('Invalid input')) return issue.message;
  // Zod 4 reports a missing key as an invalid_type whose message says "received undefined".
  if (/received undefined/.test(issue.message)) return 'is required';
  const article = /^[aeiou]/.test(issue.expected) ? 'an' : 'a';
  return `must be ${article} ${issue.expected}`;
}

function describeSize(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, bound: string): string {
  if (!issue.message.startsWith('Too ')) return issue.message;
  const limit = 'minimum' in issue ? issue.minimum : issue.maximum;
  switch (issue.origin) {
    case 'array':
      return `must have ${bound} ${String(limit)} item(s)`;
    case 'string':
      return `must be ${bound} ${String(limit)} character(s) long`;
    default:
      return `must be ${bound} ${String(limit)}`;
  }
}
