// A local fake of the Notion API endpoints the bot uses, over real HTTP, behaving like Notion:
// bearer auth and Notion-Version checks, data source queries with filters, sorts, cursors,
// page_size ≤ 100 and the per-query result cap (10,000 rows, then `request_status:
// incomplete`), data source and database retrieval, and a token-bucket rate limit that
// answers 429 `rate_limited` with Retry-After. Tests that must see 429s use a request quota
// instead (`setQuota`): a bucket refilled by wall-clock time never empties when each round trip
// is slower than its refill interval (a loaded CI machine), so its 429s are not deterministic.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakePage {
  id: string;
  created_time: string;
  last_edited_time: string;
  in_trash: boolean;
  properties: Record<string, FakePropertyValue>;
}

export type FakePropertyValue = { id: string; type: string; [key: string]: unknown };

export interface FakeDataSource {
  readonly id: string;
  readonly databaseId: string;
  readonly title: string;
  /** Property name → its id and type (and, for selects, their options). */
  readonly schema: Record<string, { id: string; type: string; options?: string[] }>;
  readonly pages: FakePage[];
}

export interface FakeNotionOptions {
  readonly token?: string;
  /** Sustained requests per second; Infinity turns the limiter off. */
  readonly requestsPerSecond?: number;
  /** Requests that may arrive at once before the limiter engages. */
  readonly burst?: number;
  /** Integer seconds (what the client parses). */
  readonly retryAfterSeconds?: number;
  /** Rows one query (filter + sort) returns at most before answering `incomplete`. */
  readonly resultCap?: number;
  /**
   * Where the fake's clock (created and edited times) starts; default 2025-06-01. Tests that
   * compare Notion's times with the bot's own clock start it at the real time.
   */
  readonly clockStart?: number;
}

const NOTION_VERSION = '2025-09-03';
const MAX_PAGE_SIZE = 100;
const QUOTA_CLOCK_GRACE_MS = 25;

export class FakeNotion {
  readonly dataSources = new Map<string, FakeDataSource>();
  readonly databases = new Map<string, { id: string; title: string; dataSourceIds: string[] }>();
  /** `early`: requests that came back before the Retry-After they were given had passed. */
  readonly stats = { requests: 0, rateLimited: 0, queries: 0, early: 0 };
  /** Every request, for tests that count what a scan cost. */
  readonly log: Array<{ method: string; path: string; status: number }> = [];
  /** Called for each data source query before it is answered (to act at a given point of a scan). */
  onQuery: (() => void) | undefined;
  private server: Server | undefined;
  private readonly options: {
    -readonly [K in keyof Omit<FakeNotionOptions, 'clockStart'>]-?: NonNullable<FakeNotionOptions[K]>;
  };
  private tokens: number;
  private lastRefill = performance.now();
  private failures: Array<{ status: number; code: string }> = [];
  private quota:
    | { perWindow: number; retryAfterSeconds: number; used: number; blockedUntil: number }
    | undefined;
  private clock = Date.parse('2025-06-01T00:00:00.000Z');
  private idCounter = 0;
  /**
   * Filtered and sorted rows of recent queries, by data source, filter and sort. A scan pages
   * through one query 100 rows at a time; filtering and sorting 21k pages again for each page
   * made the fake, not the bot, most of a test's CPU time. Any change to pages clears it.
   */
  private readonly queryCache = new Map<string, { pageCount: number; rows: FakePage[] }>();

  constructor(options: FakeNotionOptions = {}) {
    this.options = {
      token: options.token ?? 'secret_fake_notion_token',
      requestsPerSecond: options.requestsPerSecond ?? 3,
      burst: options.burst ?? 3,
      retryAfterSeconds: options.retryAfterSeconds ?? 1,
      resultCap: options.resultCap ?? 10_000,
    };
    this.tokens = this.options.burst;
    if (options.clockStart !== undefined) this.clock = options.clockStart;
  }

  static async start(options: FakeNotionOptions = {}): Promise<FakeNotion> {
    const fake = new FakeNotion(options);
    await fake.start();
    return fake;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.error(res, req, 500, 'internal_server_error', String(error));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('FakeNotion is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  get token(): string {
    return this.options.token;
  }

  /** Token-bucket limit by wall-clock time; also turns a quota (setQuota) off. */
  setRate(requestsPerSecond: number, burst = this.options.burst): void {
    this.options.requestsPerSecond = requestsPerSecond;
    this.options.burst = burst;
    this.tokens = burst;
    this.quota = undefined;
  }

  /**
   * Deterministic rate limit: after every `perWindow` accepted requests the next one is answered
   * 429 with `Retry-After: retryAfterSeconds`, and so is every request that arrives before that
   * time has passed (counted in `stats.early`, so a test can check the client waited as told).
   */
  setQuota(perWindow: number, retryAfterSeconds: number): void {
    this.quota = { perWindow, retryAfterSeconds, used: 0, blockedUntil: 0 };
  }

  /** The next `count` requests fail with this status (500, 503…). */
  failNext(count: number, status = 500, code = 'internal_server_error'): void {
    for (let i = 0; i < count; i += 1) this.failures.push({ status, code });
  }

  resetStats(): void {
    this.stats.requests = 0;
    this.stats.rateLimited = 0;
    this.stats.queries = 0;
    this.stats.early = 0;
    this.log.length = 0;
  }

  newId(): string {
    this.idCounter += 1;
    const hex = this.idCounter.toString(16).padStart(12, '0');
    return `${'1'.repeat(8)}-2222-4333-8444-${hex}`;
  }

  /** Advances the fake's clock (used for created/edited times), minute-precise like Notion's. */
  tick(ms = 60_000): string {
    this.clock += ms;
    return new Date(Math.floor(this.clock / 60_000) * 60_000).toISOString();
  }

  addDataSource(
    schema: Record<string, { id: string; type: string; options?: string[] }>,
    title = 'Library',
  ): FakeDataSource {
    const databaseId = this.newId();
    const source: FakeDataSource = { id: this.newId(), databaseId, title, schema, pages: [] };
    this.dataSources.set(source.id, source);
    this.databases.set(databaseId, { id: databaseId, title, dataSourceIds: [source.id] });
    return source;
  }

  /**
   * The team's Issues+Questions data source as the bot expects it: Name, Priority, Type and a
   * Notion `status` property (Not started, In progress, Done), plus an Assignee when asked.
   */
  addIssuesDataSource(options: { assignee?: boolean } = {}): FakeDataSource {
    return this.addDataSource(
      {
        Name: { id: 'title', type: 'title' },
        Priority: { id: 'prio', type: 'select', options: ['High', 'Medium', 'Low'] },
        Type: { id: 'type', type: 'select', options: ['Internal Issue', 'Bug', 'Question', 'Task'] },
        Status: { id: 'stat', type: 'status', options: ['Not started', 'In progress', 'Done'] },
        ...(options.assignee ? { Assignee: { id: 'assg', type: 'people' } } : {}),
      },
      'Issues+Questions',
    );
  }

  /**
   * Adds `count` pages; `properties(i)` gives each one's values. Created times advance one
   * minute every `perMinute` pages, as a batch import would leave them.
   */
  addPages(
    source: FakeDataSource,
    count: number,
    properties: (i: number) => Record<string, FakePropertyValue>,
    perMinute = 20,
  ): FakePage[] {
    const added: FakePage[] = [];
    for (let i = 0; i < count; i += 1) {
      const at =
        i % perMinute === 0 ? this.tick() : new Date(Math.floor(this.clock / 60_000) * 60_000).toISOString();
      const page: FakePage = {
        id: this.newId(),
        created_time: at,
        last_edited_time: at,
        in_trash: false,
        properties: properties(i),
      };
      source.pages.push(page);
      added.push(page);
    }
    this.queryCache.clear();
    return added;
  }

  editPage(page: FakePage, properties: Record<string, FakePropertyValue>): void {
    page.properties = { ...page.properties, ...properties };
    page.last_edited_time = this.tick(1000);
    this.queryCache.clear();
  }

  trashPage(page: FakePage): void {
    page.in_trash = true;
    page.last_edited_time = this.tick(1000);
    this.queryCache.clear();
  }

  /** The Retry-After to refuse this request with, or undefined when it may proceed. */
  private refuseByQuota(): number | undefined {
    const quota = this.quota;
    if (!quota) return undefined;
    const now = performance.now();
    // Timers may fire a few milliseconds early; Notion does not count to the millisecond either.
    if (now < quota.blockedUntil - QUOTA_CLOCK_GRACE_MS) {
      this.stats.early += 1;
      return Math.max(1, Math.ceil((quota.blockedUntil - now) / 1000));
    }
    if (quota.used >= quota.perWindow) {
      quota.used = 0;
      quota.blockedUntil = now + quota.retryAfterSeconds * 1000;
      return quota.retryAfterSeconds;
    }
    quota.used += 1;
    return undefined;
  }

  private takeToken(): boolean {
    const { requestsPerSecond, burst } = this.options;
    if (!Number.isFinite(requestsPerSecond)) return true;
    const now = performance.now();
    this.tokens = Math.min(burst, this.tokens + ((now - this.lastRefill) / 1000) * requestsPerSecond);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    this.stats.requests += 1;
    const url = new URL(req.url ?? '/', 'http://notion');
    if (req.headers.authorization !== `Bearer ${this.options.token}`) {
      this.error(res, req, 401, 'unauthorized', 'API token is invalid.');
      return;
    }
    if (req.headers['notion-version'] !== NOTION_VERSION) {
      this.error(res, req, 400, 'missing_version', `Notion-Version must be ${NOTION_VERSION} here.`);
      return;
    }
    const quotaRetryAfter = this.refuseByQuota();
    if (quotaRetryAfter !== undefined || !this.takeToken()) {
      this.stats.rateLimited += 1;
      res.setHeader('retry-after', String(quotaRetryAfter ?? this.options.retryAfterSeconds));
      this.error(
        res,
        req,
        429,
        'rate_limited',
        'You have been rate limited. Please try again in a few minutes.',
      );
      return;
    }
    const failure = this.failures.shift();
    if (failure) {
      this.error(res, req, failure.status, failure.code, 'Injected failure.');
      return;
    }

    let body: Record<string, unknown> = {};
    if (chunks.length > 0) {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        this.error(res, req, 400, 'invalid_json', 'Error parsing JSON body.');
        return;
      }
    }
    const route = `${req.method} ${url.pathname}`;
    let match = /^POST \/v1\/data_sources\/([\w-]+)\/query$/.exec(route);
    if (match?.[1]) {
      this.query(
        res,
        req,
        match[1],
        body,
        url.searchParams.getAll('filter_properties[]').concat(url.searchParams.getAll('filter_properties')),
      );
      return;
    }
    match = /^PATCH \/v1\/pages\/([\w-]+)$/.exec(route);
    if (match?.[1]) {
      this.updatePage(res, req, match[1], body);
      return;
    }
    if (route === 'POST /v1/comments') {
      this.createComment(res, req, body);
      return;
    }
    if (route === 'GET /v1/comments') {
      const pageId = normalise(url.searchParams.get('block_id') ?? '');
      const results = this.comments.filter((c) => normalise(c.pageId) === pageId).map((c) => c.json);
      this.send(res, req, 200, { object: 'list', results, has_more: false, next_cursor: null });
      return;
    }
    match = /^GET \/v1\/pages\/([\w-]+)$/.exec(route);
    if (match?.[1]) {
      this.retrievePage(res, req, match[1]);
      return;
    }
    match = /^GET \/v1\/data_sources\/([\w-]+)$/.exec(route);
    if (match?.[1]) {
      this.retrieveDataSource(res, req, match[1]);
      return;
    }
    match = /^GET \/v1\/databases\/([\w-]+)$/.exec(route);
    if (match?.[1]) {
      this.retrieveDatabase(res, req, match[1]);
      return;
    }
    if (route === 'POST /v1/pages') {
      this.createPage(res, req, body);
      return;
    }
    this.error(res, req, 400, 'invalid_request_url', 'Invalid request URL.');
    return;
  }

  /** Pages created through POST /v1/pages, with the blocks they were given. */
  readonly created: Array<{ page: FakePage; source: FakeDataSource; children: unknown[] }> = [];

  private createPage(res: ServerResponse, req: IncomingMessage, body: Record<string, unknown>): void {
    const parent = (body.parent ?? {}) as { data_source_id?: string; database_id?: string };
    const source = parent.data_source_id ? this.findSource(parent.data_source_id) : undefined;
    if (!source) {
      this.error(res, req, 404, 'object_not_found', 'Could not find the parent data source.');
      return;
    }
    const read = propertyValues(source, body.properties);
    if ('error' in read) {
      this.error(res, req, 400, 'validation_error', read.error);
      return;
    }
    const properties = read.values;
    const children = Array.isArray(body.children) ? body.children : [];
    for (const [i, block] of children.entries()) {
      const richText =
        (block as Record<string, { rich_text?: Array<{ text?: { content?: string } }> }>).paragraph
          ?.rich_text ?? [];
      for (const [j, part] of richText.entries()) {
        if ((part.text?.content?.length ?? 0) > 2000) {
          this.error(
            res,
            req,
            400,
            'validation_error',
            `body.children[${i}].paragraph.rich_text[${j}].text.content.length should be ≤ \`2000\`.`,
          );
          return;
        }
      }
    }
    const at = this.tick(1000);
    const page: FakePage = {
      id: this.newId(),
      created_time: at,
      last_edited_time: at,
      in_trash: false,
      properties,
    };
    source.pages.push(page);
    this.queryCache.clear();
    this.created.push({ page, source, children });
    this.send(res, req, 200, toJson(page, source, undefined));
  }

  /** Comments made through POST /v1/comments, by page. */
  readonly comments: Array<{ pageId: string; text: string; json: Record<string, unknown> }> = [];

  private pageById(id: string): { page: FakePage; source: FakeDataSource } | undefined {
    for (const source of this.dataSources.values()) {
      const page = source.pages.find((p) => normalise(p.id) === normalise(id));
      if (page) return { page, source };
    }
    return undefined;
  }

  /** PATCH /v1/pages/:id — properties checked as Notion checks them (status and select options). */
  private updatePage(
    res: ServerResponse,
    req: IncomingMessage,
    id: string,
    body: Record<string, unknown>,
  ): void {
    const found = this.pageById(id);
    if (!found) {
      this.pageNotFound(res, req, id);
      return;
    }
    const { page, source } = found;
    const changes = propertyValues(source, body.properties);
    if ('error' in changes) {
      this.error(res, req, 400, 'validation_error', changes.error);
      return;
    }
    this.editPage(page, changes.values);
    this.send(res, req, 200, toJson(page, source, undefined));
  }

  /** POST /v1/comments on a page (`parent.page_id`). */
  private createComment(res: ServerResponse, req: IncomingMessage, body: Record<string, unknown>): void {
    const pageId = String((body.parent as { page_id?: string } | undefined)?.page_id ?? '');
    if (!this.pageById(pageId)) {
      this.pageNotFound(res, req, pageId);
      return;
    }
    const parts = Array.isArray(body.rich_text)
      ? (body.rich_text as Array<{ text?: { content?: string } }>)
      : [];
    const text = parts.map((p) => p.text?.content ?? '').join('');
    const json = {
      object: 'comment',
      id: this.newId(),
      parent: { type: 'page_id', page_id: pageId },
      discussion_id: this.newId(),
      created_time: this.tick(1000),
      rich_text: [{ type: 'text', plain_text: text, text: { content: text } }],
    };
    this.comments.push({ pageId, text, json });
    this.send(res, req, 200, json);
  }

  /** GET /v1/pages/:id — a trashed page is still returned (in_trash: true), as Notion does. */
  private retrievePage(res: ServerResponse, req: IncomingMessage, id: string): void {
    const found = this.pageById(id);
    if (found) {
      this.send(res, req, 200, toJson(found.page, found.source, undefined));
      return;
    }
    this.pageNotFound(res, req, id);
  }

  /** Notion's 404 for a page it does not have, or does not share with the integration. */
  private pageNotFound(res: ServerResponse, req: IncomingMessage, id: string): void {
    this.error(
      res,
      req,
      404,
      'object_not_found',
      `Could not find page with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`,
    );
  }

  private findSource(id: string): FakeDataSource | undefined {
    const normal = normalise(id);
    for (const source of this.dataSources.values()) if (normalise(source.id) === normal) return source;
    return undefined;
  }

  private retrieveDataSource(res: ServerResponse, req: IncomingMessage, id: string): void {
    const source = this.findSource(id);
    if (!source) {
      this.error(res, req, 404, 'object_not_found', `Could not find data_source with ID: ${id}.`);
      return;
    }
    const properties = Object.fromEntries(
      Object.entries(source.schema).map(([name, p]) => [
        name,
        {
          id: p.id,
          name,
          type: p.type,
          [p.type]: p.options
            ? { options: p.options.map((o) => ({ id: o, name: o, color: 'default' })) }
            : {},
        },
      ]),
    );
    this.send(res, req, 200, {
      object: 'data_source',
      id: source.id,
      title: [{ type: 'text', plain_text: source.title, text: { content: source.title } }],
      properties,
      parent: { type: 'database_id', database_id: source.databaseId },
    });
  }

  private retrieveDatabase(res: ServerResponse, req: IncomingMessage, id: string): void {
    const database = [...this.databases.values()].find((d) => normalise(d.id) === normalise(id));
    if (!database) {
      this.error(res, req, 404, 'object_not_found', `Could not find database with ID: ${id}.`);
      return;
    }
    this.send(res, req, 200, {
      object: 'database',
      id: database.id,
      title: [{ type: 'text', plain_text: database.title }],
      data_sources: database.dataSourceIds.map((dsId) => ({ id: dsId, name: database.title })),
    });
  }

  private query(
    res: ServerResponse,
    req: IncomingMessage,
    id: string,
    body: Record<string, unknown>,
    filterProperties: string[],
  ): void {
    this.stats.queries += 1;
    this.onQuery?.();
    const source = this.findSource(id);
    if (!source) {
      this.error(res, req, 404, 'object_not_found', `Could not find data_source with ID: ${id}.`);
      return;
    }
    const pageSize = Math.min(MAX_PAGE_SIZE, Number(body.page_size ?? MAX_PAGE_SIZE) || MAX_PAGE_SIZE);
    const rows = this.matchingRows(source, body);
    const offset = typeof body.start_cursor === 'string' ? decodeCursor(body.start_cursor) : 0;
    if (offset === undefined) {
      this.error(res, req, 400, 'validation_error', 'start_cursor is invalid.');
      return;
    }
    const capped = rows.slice(0, this.options.resultCap);
    const page = capped.slice(offset, offset + pageSize);
    const end = offset + page.length;
    const more = end < capped.length;
    const hitCap = !more && rows.length > this.options.resultCap;
    const keep = filterProperties.length > 0 ? new Set(filterProperties) : undefined;
    this.send(res, req, 200, {
      object: 'list',
      type: 'page_or_data_source',
      page_or_data_source: {},
      results: page.map((p) => toJson(p, source, keep)),
      next_cursor: more ? encodeCursor(end) : null,
      has_more: more,
      ...(hitCap
        ? { request_status: { type: 'incomplete', incomplete_reason: 'query_result_limit_reached' } }
        : { request_status: { type: 'complete' } }),
    });
  }

  /** The query's rows, filtered and sorted as Notion would, from the cache when unchanged. */
  private matchingRows(source: FakeDataSource, body: Record<string, unknown>): FakePage[] {
    const sorts = Array.isArray(body.sorts)
      ? (body.sorts as Array<{ timestamp?: string; direction?: string }>)
      : [];
    const sort = sorts[0] ?? { timestamp: 'created_time', direction: 'descending' };
    const cacheKey = JSON.stringify([source.id, body.filter ?? null, sort.timestamp, sort.direction]);
    const cached = this.queryCache.get(cacheKey);
    // Pages pushed onto `source.pages` directly (not through this class) change the count.
    if (cached && cached.pageCount === source.pages.length) return cached.rows;
    const key = (sort.timestamp === 'last_edited_time' ? 'last_edited_time' : 'created_time') as
      | 'created_time'
      | 'last_edited_time';
    const sign = sort.direction === 'descending' ? -1 : 1;
    const rows = source.pages
      .filter((p) => !p.in_trash && matches(p, body.filter, source))
      .map((p, i) => ({ p, i }))
      .sort((a, b) => sign * (a.p[key] < b.p[key] ? -1 : a.p[key] > b.p[key] ? 1 : a.i - b.i))
      .map((x) => x.p);
    this.queryCache.set(cacheKey, { pageCount: source.pages.length, rows });
    return rows;
  }

  private send(res: ServerResponse, req: IncomingMessage, status: number, body: unknown): void {
    this.log.push({ method: req.method ?? '', path: req.url ?? '', status });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private error(
    res: ServerResponse,
    req: IncomingMessage,
    status: number,
    code: string,
    message: string,
  ): void {
    this.send(res, req, status, {
      object: 'error',
      status,
      code,
      message,
      request_id: `req-${this.stats.requests}`,
    });
  }
}

function normalise(id: string): string {
  return id.replaceAll('-', '').toLowerCase();
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    return typeof parsed.o === 'number' ? parsed.o : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Property values as Notion stores them from a create or update body, or the validation error
 * Notion answers: a property the data source does not have, a status option it does not have.
 */
function propertyValues(
  source: FakeDataSource,
  properties: unknown,
): { values: Record<string, FakePropertyValue> } | { error: string } {
  const values: Record<string, FakePropertyValue> = {};
  for (const [name, raw] of Object.entries((properties ?? {}) as Record<string, Record<string, unknown>>)) {
    const schema = source.schema[name];
    if (!schema) return { error: `${name} is not a property that exists.` };
    const inner = raw[schema.type];
    if (schema.type === 'title' || schema.type === 'rich_text') {
      const parts = Array.isArray(inner) ? (inner as Array<{ text?: { content?: string } }>) : [];
      const text = parts.map((t) => t.text?.content ?? '').join('');
      values[name] = {
        id: schema.id,
        type: schema.type,
        [schema.type]: text ? [{ type: 'text', plain_text: text, text: { content: text } }] : [],
      };
    } else if (schema.type === 'select' || schema.type === 'status') {
      const option = (inner as { name?: string } | null)?.name;
      if (schema.type === 'status' && option !== undefined && !schema.options?.includes(option))
        return { error: `Invalid status option. Status option "${option}" does not exist.` };
      values[name] = {
        id: schema.id,
        type: schema.type,
        [schema.type]: option ? { id: option, name: option, color: 'default' } : null,
      };
    } else {
      values[name] = { id: schema.id, type: schema.type, [schema.type]: inner };
    }
  }
  return { values };
}

function toJson(
  page: FakePage,
  source: FakeDataSource,
  keep: Set<string> | undefined,
): Record<string, unknown> {
  const properties = Object.fromEntries(
    Object.entries(page.properties).filter(
      ([name, value]) =>
        !keep || keep.has(value.id) || keep.has(decodeURIComponent(value.id)) || keep.has(name),
    ),
  );
  return {
    object: 'page',
    id: page.id,
    created_time: page.created_time,
    last_edited_time: page.last_edited_time,
    in_trash: page.in_trash,
    archived: page.in_trash,
    is_archived: page.in_trash,
    is_locked: false,
    url: `https://www.notion.so/${normalise(page.id)}`,
    public_url: null,
    parent: { type: 'data_source_id', data_source_id: source.id, database_id: source.databaseId },
    properties,
    icon: null,
    cover: null,
    created_by: { object: 'user', id: 'user-1' },
    last_edited_by: { object: 'user', id: 'user-1' },
  };
}

type Filter = Record<string, unknown>;

/** The subset of Notion's filter language the bot sends: timestamps, `and`/`or`, is_not_empty. */
function matches(page: FakePage, filter: unknown, source: FakeDataSource): boolean {
  if (!filter || typeof filter !== 'object') return true;
  const f = filter as Filter;
  if (Array.isArray(f.and)) return f.and.every((sub) => matches(page, sub, source));
  if (Array.isArray(f.or)) return f.or.some((sub) => matches(page, sub, source));
  if (f.timestamp === 'created_time' || f.timestamp === 'last_edited_time') {
    const value = page[f.timestamp];
    const condition = (f[f.timestamp] ?? {}) as Record<string, string>;
    return compareTime(value, condition);
  }
  if (typeof f.property === 'string') {
    const value = page.properties[f.property];
    const condition = Object.values(f).find((v) => v && typeof v === 'object') as
      | Record<string, unknown>
      | undefined;
    if (condition && 'is_not_empty' in condition) return value !== undefined && !isEmptyValue(value);
    if (condition && 'is_empty' in condition) return value === undefined || isEmptyValue(value);
    if (condition && 'equals' in condition) return plainText(value) === condition.equals;
    return true;
  }
  return true;
}

function plainText(value: FakePropertyValue | undefined): string | undefined {
  if (!value) return undefined;
  const inner = value[value.type];
  if (Array.isArray(inner))
    return inner.map((t) => String((t as { plain_text?: unknown }).plain_text ?? '')).join('');
  if (inner && typeof inner === 'object' && 'name' in inner) return String((inner as { name: unknown }).name);
  return inner === undefined || inner === null ? undefined : String(inner);
}

function compareTime(value: string, condition: Record<string, string>): boolean {
  const v = Date.parse(value);
  for (const [op, raw] of Object.entries(condition)) {
    const t = Date.parse(raw);
    if (op === 'on_or_after' && !(v >= t)) return false;
    if (op === 'after' && !(v > t)) return false;
    if (op === 'before' && !(v < t)) return false;
    if (op === 'on_or_before' && !(v <= t)) return false;
    if (op === 'equals' && v !== t) return false;
  }
  return true;
}

function isEmptyValue(value: FakePropertyValue): boolean {
  const inner = value[value.type];
  if (inner === null || inner === undefined) return true;
  if (Array.isArray(inner)) return inner.length === 0;
  return false;
}

/** Property values as Notion returns them. */
export const notionValue = {
  title: (text: string): FakePropertyValue => ({
    id: 'title',
    type: 'title',
    title: text ? [{ type: 'text', plain_text: text, text: { content: text } }] : [],
  }),
  richText: (id: string, text: string): FakePropertyValue => ({
    id,
    type: 'rich_text',
    rich_text: text ? [{ type: 'text', plain_text: text, text: { content: text } }] : [],
  }),
  checkbox: (id: string, checked: boolean): FakePropertyValue => ({
    id,
    type: 'checkbox',
    checkbox: checked,
  }),
  status: (id: string, name: string | null): FakePropertyValue => ({
    id,
    type: 'status',
    status: name ? { id: name, name, color: 'default' } : null,
  }),
  people: (id: string, names: readonly string[]): FakePropertyValue => ({
    id,
    type: 'people',
    people: names.map((name, i) => ({ object: 'user', id: `user-${i + 1}`, name })),
  }),
  select: (id: string, name: string | null): FakePropertyValue => ({
    id,
    type: 'select',
    select: name ? { id: name, name, color: 'default' } : null,
  }),
};
