// The environment, parsed with zod at the edge. This and `file.ts` are the only modules that
// read `process.env`; everything else receives the parsed, typed result. Messages name the
// variable, never its value: environment values may be secrets.

import { z } from 'zod';
import { ConfigError } from '../kit/errors.js';
import { httpUrl, userId } from '../kit/schemas.js';
import { formatIssues, readableIssue } from './messages.js';

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
    NOTION_WEBHOOK_TOKEN: optionalSecret,
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
    // [broken, the variable to set or fix, what is wrong]
    const rules: Array<[unknown, string, string]> = [
      [
        env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN,
        'SLACK_BOT_TOKEN',
        'is set, but neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode) is',
      ],
      [
        env.GRAFANA_URL && !env.GRAFANA_TOKEN,
        'GRAFANA_TOKEN',
        'is required when GRAFANA_URL is set (a Grafana service account token with silence rights)',
      ],
      [env.GRAFANA_TOKEN && !env.GRAFANA_URL, 'GRAFANA_URL', 'is required when GRAFANA_TOKEN is set'],
      [
        env.ALERTMANAGER_AUTHORIZATION && !env.ALERTMANAGER_URL,
        'ALERTMANAGER_URL',
        'is required when ALERTMANAGER_AUTHORIZATION is set',
      ],
      [
        !env.SLACK_BOT_TOKEN && (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN),
        'SLACK_BOT_TOKEN',
        'is required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set',
      ],
    ];
    for (const [broken, variable, message] of rules)
      if (broken) ctx.addIssue({ code: 'custom', path: [variable], message });
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
  return Object.fromEntries(CHILD_ENV_KEYS.flatMap((key) => (source[key] ? [[key, source[key]]] : [])));
}

export type Transport =
  | { kind: 'http'; botToken: string; signingSecret: string }
  | { kind: 'socket'; botToken: string; appToken: string }
  | { kind: 'shell' };

export interface Env {
  readonly slackApiUrl: string;
  readonly transport: Transport;
  readonly notionToken: string | undefined;
  /** The Notion webhook's verification token, when set by hand (else the one Notion sent). */
  readonly notionWebhookToken: string | undefined;
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
  const result = envSchema.safeParse(source, { error: readableIssue });
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
    notionWebhookToken: env.NOTION_WEBHOOK_TOKEN,
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

/** Every secret the environment holds, for masking in logs, output and messages. */
export function secretValues(env: Env): string[] {
  const transport = env.transport;
  return [
    ...(transport.kind === 'http' ? [transport.botToken, transport.signingSecret] : []),
    ...(transport.kind === 'socket' ? [transport.botToken, transport.appToken] : []),
    env.notionToken,
    env.notionWebhookToken,
    env.webhookToken,
    env.alertmanagerAuthorization,
    // The credentials alone too: a log line may show them without the scheme.
    env.alertmanagerAuthorization?.replace(/^\S+\s+/, ''),
    env.grafana?.token,
  ].filter((v): v is string => v !== undefined);
}
