// Structured logging with pino: JSON lines in production, pretty text on stderr in the shell
// (stdout belongs to the conversation there). Secrets are redacted by key wherever they appear,
// and known secret values (SecretMasker) and Slack token shapes are masked in every message
// and string field of every line, whoever logs it (our code, Bolt, the Slack SDK, Notion).

import type { Logger as BoltLogger, LogLevel as BoltLogLevel } from '@slack/bolt';
import { type Logger, type LoggerOptions as PinoOptions, pino } from 'pino';
import pretty from 'pino-pretty';
import { maskWith, type SecretMasker } from './secrets.js';

export type { Logger };

/** Keys whose values must never reach a log line, at any depth pino can address. */
const SECRET_KEYS = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'authorization',
  'Authorization',
  'NOTION_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'AUDIT_BOT_WEBHOOK_TOKEN',
];
export const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.headers.${key}`]);

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Where lines go; defaults to stdout for JSON and stderr for pretty output. */
  destination?: NodeJS.WritableStream;
  /** Known secret values (from the environment), masked wherever they appear in a line. */
  secrets?: SecretMasker;
}

export function createLogger(options: LoggerOptions): Logger {
  const maskText = (text: string) => maskTokens(options.secrets?.mask(text) ?? text);
  const base: PinoOptions = {
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: {
      // Every call's arguments (merge object, message, format arguments) before pino reads
      // them: masking here also covers child loggers and Bolt's adapter below.
      logMethod(args, method) {
        const masked = args.map((arg) => maskWith(arg, maskText)) as typeof args;
        method.apply(this, masked);
      },
    },
  };
  if (options.pretty) {
    // Synchronous, so the last lines before a console exit are not lost in a worker thread.
    const stream = pretty({
      destination: options.destination ?? 2,
      sync: true,
      colorize: false,
      translateTime: 'HH:MM:ss',
      ignore: 'pid,hostname',
    });
    return pino(base, stream);
  }
  return options.destination ? pino(base, options.destination) : pino(base);
}

/** Slack token shapes, so a token inside a message string is masked too (Bolt logs some URLs). */
const TOKEN_PATTERN = /\b(xox[abposr]|xapp)-[A-Za-z0-9-]+/g;
export function maskTokens(text: string): string {
  return text.replace(TOKEN_PATTERN, '$1-[redacted]');
}

/** Bolt and the Slack SDK log through this adapter, so their lines share our format and redaction. */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  const format = (parts: unknown[]) =>
    maskTokens(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' '));
  return {
    debug: (...msg) => child.debug(format(msg)),
    info: (...msg) => child.info(format(msg)),
    warn: (...msg) => child.warn(format(msg)),
    error: (...msg) => child.error(format(msg)),
    setLevel: () => {},
    getLevel: () => child.level as BoltLogLevel,
    setName: () => {},
  };
}
