// Field schemas shared by every part of the configuration (the config file, each probe kind,
// retention). Each says in its own message what it wants, so a bad value reads as
// `probes[2].timeout: must be a duration like 30s, 15m, 48h or 1d (got "soon")`.

import { validateDetailed as validateCron } from 'node-cron';
import { z } from 'zod';

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** KB/MB/GB decimal, KiB/MiB/GiB binary. */
const BYTE_UNITS = {
  B: 1,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
} as const;

/** `<amount><unit>` (`1.5h`, `50 MB`) → the amount times the unit's factor, rounded. */
function parseAmount(text: string, units: Readonly<Record<string, number>>): number | undefined {
  const match = new RegExp(`^(\\d+(?:\\.\\d+)?)\\s*(${Object.keys(units).join('|')})$`).exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match as unknown as [string, string, string];
  return Math.round(Number(amount) * (units[unit] as number));
}

/** `90s`, `5m`, `48h`, `1d`, `500ms` → milliseconds. */
export function parseDuration(text: string): number | undefined {
  return parseAmount(text, DURATION_UNITS_MS);
}

/** A positive amount with a unit; the message quotes what was written. */
const positiveAmount = (units: Readonly<Record<string, number>>, wanted: string) =>
  z.string().transform((text, ctx) => {
    const amount = parseAmount(text, units);
    if (amount === undefined || amount <= 0) {
      ctx.addIssue({ code: 'custom', message: `must be ${wanted} (got "${text}")` });
      return z.NEVER;
    }
    return amount;
  });

export const duration = positiveAmount(DURATION_UNITS_MS, 'a duration like 30s, 15m, 48h or 1d');

/** `50MB`, `512KiB`, `1GB` → bytes. */
export const byteSize = positiveAmount(BYTE_UNITS, 'a size like 512KB, 50MB or 1GiB');

export const cronExpression = z.string().superRefine((expression, ctx) => {
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

export const timezone = z.string().refine(
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

export const channelId = z
  .string()
  .regex(/^[CGD][A-Z0-9]{2,}$/, { message: 'must be a Slack channel ID such as C0123ABCD (not a #name)' });
export const userId = z
  .string()
  .regex(/^[UW][A-Z0-9]{2,}$/, { message: 'must be a Slack user ID such as U0123ABCD' });
export const userOrGroupId = z
  .string()
  .regex(/^[UWS][A-Z0-9]{2,}$/, { message: 'must be a Slack user ID (U…) or user-group ID (S…)' });

/** Notion ids are 32 hex digits, with or without dashes. */
export const notionId = z
  .string()
  .transform((id) => id.replaceAll('-', '').toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{32}$/, { message: 'must be a Notion id of 32 hex digits' }));

export const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

export const ratio = z
  .number()
  .min(0, { message: 'must be between 0 and 1' })
  .max(1, { message: 'must be between 0 and 1' });

/** Ids chosen in the config file (probes, digests): they appear in commands and URLs. */
export const slug = z.string().regex(/^[a-z0-9-]+$/, { message: 'must use only a-z, 0-9 and -' });

export function isValidRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
