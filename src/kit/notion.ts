// The Notion client the bot uses: the official @notionhq/client on API version 2025-09-03
// (data sources), paced to Notion's rate limit so long scans do not run into 429s, and
// retrying the 429s that happen anyway for as long as Notion asks.

import { APIErrorCode, Client, isNotionClientError, LogLevel } from '@notionhq/client';
import { z } from 'zod';
import { describeError } from './errors.js';
import type { Logger } from './logger.js';
import { own } from './text.js';

export const NOTION_VERSION = '2025-09-03';

/** Notion's documented average: about 3 requests per second per integration. */
export const NOTION_REQUESTS_PER_SECOND = 3;

/**
 * A rate limit slows a scan, it never fails it: 429 (and 529 overload) are retried many times,
 * honouring Retry-After. The client retries 500/503 only for GET; a failed POST query ends
 * the scan and the next refresh starts over.
 */
export const NOTION_RETRY_POLICY = {
  maxRetries: 30,
  initialRetryDelayMs: 1000,
  maxRetryDelayMs: 60_000,
} as const;

export interface NotionClientOptions {
  readonly token: string;
  readonly baseUrl: string;
  readonly logger?: Logger;
  /** Requests per second the client paces itself to; Infinity turns pacing off. */
  readonly requestsPerSecond?: number;
}

export function createNotionClient(options: NotionClientOptions): Client {
  const pace = pacer(options.requestsPerSecond ?? NOTION_REQUESTS_PER_SECOND);
  const log = options.logger?.child({ component: 'notion' });
  return new Client({
    auth: options.token,
    baseUrl: options.baseUrl,
    notionVersion: NOTION_VERSION,
    retry: NOTION_RETRY_POLICY,
    logLevel: LogLevel.WARN,
    // The client's own logger would print request details; ours keeps only the message.
    logger: (level, message) =>
      log?.[level === LogLevel.ERROR ? 'error' : level === LogLevel.WARN ? 'warn' : 'debug'](message),
    fetch: async (url, init) => {
      await pace();
      return fetch(url, init);
    },
  });
}

/** Spaces calls evenly at `perSecond`; returns a function that resolves at the caller's turn. */
export function pacer(perSecond: number): () => Promise<void> {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return async () => {};
  const interval = 1000 / perSecond;
  let next = 0;
  return async () => {
    const now = performance.now();
    const at = Math.max(now, next);
    next = at + interval;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  };
}

/** What Notion's error codes mean for users. */
const NOTION_REASONS: Readonly<Record<string, string>> = {
  unauthorized: 'Notion rejected the token (NOTION_TOKEN)',
  restricted_resource: 'the Notion integration has no access to it (share it with the integration)',
  object_not_found: 'not found in Notion, or not shared with the integration',
  rate_limited: 'Notion kept answering "rate limited"',
};

/** A short, secret-free description of a Notion failure for users. */
export function describeNotionError(error: unknown): string {
  if (!isNotionClientError(error)) return describeError(error);
  const code = 'code' in error ? String(error.code) : 'error';
  return own(NOTION_REASONS, code) ?? `Notion answered ${code}`;
}

/** Whether Notion answered "object_not_found" (missing, or not shared with the integration). */
export function isNotFound(error: unknown): boolean {
  return isNotionClientError(error) && error.code === APIErrorCode.ObjectNotFound;
}

/**
 * A data source as Notion answers it (API 2025-09-03), given its id or the id of a database
 * (resolved to the database's first data source, as people copy database links); undefined
 * when neither exists for the integration. Other failures are thrown.
 */
export async function retrieveDataSource(client: Client, id: string): Promise<unknown> {
  try {
    return await client.dataSources.retrieve({ data_source_id: id });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const database = databaseSchema.safeParse(
    await client.databases.retrieve({ database_id: id }).catch(() => undefined),
  );
  const first = database.success ? database.data.data_sources[0] : undefined;
  return first ? await client.dataSources.retrieve({ data_source_id: first.id }) : undefined;
}

const databaseSchema = z.object({ data_sources: z.array(z.object({ id: z.string() })).default([]) });
