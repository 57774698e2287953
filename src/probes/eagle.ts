// `eagle` probes: count items of the Eagle library and those covered (a tag with a prefix such
// as `fp:`, or an annotation matching a regex). Uses Eagle's Web API V2 (`/api/v2/item/get`,
// only the needed `fields`, 1,000 items a page) and falls back to V1 (`/api/item/list`) on
// older Eagle builds that lack V2.
//
// V1's `offset` is documented only as "Offset a collection of results from the api. Start
// with 0." (api.eagle.cool/item/list), and public clients read it both as a count of items and
// as a page number. Two tiny requests (`limit=2` at offset 0 and 1, compared by item id) tell
// which this Eagle does; the count then pages accordingly and de-duplicates by item id. Answers
// that fit neither reading give a ProbeError naming why: a figure is exact or not shown at all.

import { z } from 'zod';
import { httpUrl, isValidRegex } from '../kit/schemas.js';
import { defineProbeKind, probeBase, ratioTarget } from './kind.js';
import { networkReason, parseJson, readBounded } from './net.js';
import { type Measurement, type Probe, ProbeError, probeIdentity } from './types.js';

const eagleProbeSchema = z.strictObject({
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
type EagleProbeConfig = z.output<typeof eagleProbeSchema>;

export const eagleKind = defineProbeKind({
  kind: 'eagle',
  schema: eagleProbeSchema,
  defaultTimeoutMs: 2 * 60_000,
  defaultRefresh: '*/15 * * * *',
  create: (probe) => createEagleProbe(probe),
});

/** V2's maximum page size (developer.eagle.cool/web-api/api/item: limit default 50, max 1000). */
export const EAGLE_V2_PAGE = 1000;
/** V1 has no documented maximum; 1,000 keeps each answer a few hundred KB. */
export const EAGLE_V1_PAGE = 1000;
/** Pages read at most (10 million items): a server that never stops paging ends in an error. */
const MAX_PAGES = 10_000;
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;
const V1_LIST = '/api/item/list';
const V2_GET = '/api/v2/item/get';

const itemSchema = z.object({
  id: z.string().optional(),
  tags: z.array(z.unknown()).nullish(),
  annotation: z.unknown().optional(),
  isDeleted: z.boolean().optional(),
});
type EagleItem = z.infer<typeof itemSchema>;

// V1 answers {status, data: Item[]}; V2 wraps pages, so both a bare list and a page object
// ({data|items: Item[], total?}) are accepted.
const answerSchema = z.object({
  status: z.string(),
  data: z
    .union([
      z.array(itemSchema),
      z.object({ data: z.array(itemSchema), total: z.number().optional() }),
      z.object({ items: z.array(itemSchema), total: z.number().optional() }),
    ])
    .optional(),
  message: z.string().optional(),
});
type Answer = z.infer<typeof answerSchema>;

class V2Missing extends Error {}

/** What `offset` counts: items, pages of `limit` items, or nothing to page (all fit in one answer). */
export type OffsetModel = 'items' | 'pages' | 'single';

export function createEagleProbe(config: EagleProbeConfig): Probe {
  let base = config.url;
  // A loop, not /\/+$/: that pattern backtracks quadratically on a run of slashes.
  while (base.endsWith('/')) base = base.slice(0, -1);
  const covered = coverageTest(config.covered_when);
  // V2 sends only the fields the count reads.
  const fields = 'tag_prefix' in config.covered_when ? 'id,tags,isDeleted' : 'id,annotation,isDeleted';
  return {
    ...probeIdentity(config),
    source: `Eagle at ${base}`,
    async run({ signal }): Promise<Measurement> {
      const get = eagleGet(base, config.token, signal);
      try {
        // V2 documents offset as a count of items.
        return await countPages(get, V2_GET, EAGLE_V2_PAGE, 'items', covered, { fields });
      } catch (error) {
        if (!(error instanceof V2Missing)) throw error;
      }
      const first = itemsOf(await get(V1_LIST, { offset: '0', limit: '2' }));
      const second = itemsOf(await get(V1_LIST, { offset: '1', limit: '2' }));
      const model = detectOffsetModel(idsOf(first, V1_LIST), idsOf(second, V1_LIST));
      if (model === 'single') return tally(first, covered);
      return countPages(get, V1_LIST, EAGLE_V1_PAGE, model, covered, {});
    },
  };
}

type Get = (path: string, params: Record<string, string>) => Promise<Answer>;

function itemsOf(answer: Answer): EagleItem[] {
  const data = answer.data;
  return data === undefined ? [] : Array.isArray(data) ? data : 'items' in data ? data.items : data.data;
}

/** Item ids, in order; an item without one cannot be de-duplicated, so the count stops. */
function idsOf(items: readonly EagleItem[], path: string): string[] {
  return items.map((item) => {
    if (typeof item.id !== 'string' || item.id === '')
      throw new ProbeError(
        `Eagle's ${path} returned an item without an id, so items cannot be counted once each`,
      );
    return item.id;
  });
}

const shortId = (id: string) => (id.length > 40 ? `${id.slice(0, 40)}…` : id);
const listIds = (ids: readonly string[]) => (ids.length === 0 ? 'nothing' : ids.map(shortId).join(', '));

/**
 * What V1's `offset` counts, from `limit=2` at offset 0 (`first`) and offset 1 (`second`).
 * Items: offset 1 starts with the second item of offset 0. Pages: offset 1 shares no item
 * with offset 0. A library of fewer than 3 items may be entirely in `first` ("single").
 */
export function detectOffsetModel(first: readonly string[], second: readonly string[]): OffsetModel {
  const cannot = 'so the library cannot be counted exactly';
  for (const [offset, ids] of [first, second].entries()) {
    if (ids.length > 2)
      throw new ProbeError(
        `Eagle's ${V1_LIST} answered limit 2 at offset ${offset} with ${ids.length} items, ${cannot}`,
      );
    if (ids.length === 2 && ids[0] === ids[1])
      throw new ProbeError(
        `Eagle's ${V1_LIST} returned item ${shortId(ids[0] ?? '')} twice in one page, ${cannot}`,
      );
  }
  const [a, b] = first;
  const inconsistent = () =>
    new ProbeError(
      `Eagle's ${V1_LIST} answered offset 1 (limit 2) with ${listIds(second)} after ${listIds(first)}: that fits neither offset counting items nor pages, ${cannot}`,
    );
  if (a === undefined || b === undefined) {
    // 0 or 1 items: under either reading offset 1 is past the end.
    if (second.length > 0) throw inconsistent();
    return 'single';
  }
  // Exactly 2 items and offset counting pages: page 1 is empty (items would give [b]).
  if (second.length === 0) return 'single';
  if (second[0] === a && second[1] === b)
    throw new ProbeError(`Eagle's ${V1_LIST} ignores offset (offset 0 and 1 gave the same items), ${cannot}`);
  if (second[0] === b) {
    if (second[1] === a) throw inconsistent();
    return 'items';
  }
  if (second.some((id) => id === a || id === b)) throw inconsistent();
  return 'pages';
}

/** Counts items page by page, de-duplicating by id; refuses answers that cannot be exact. */
async function countPages(
  get: Get,
  path: string,
  pageSize: number,
  model: 'items' | 'pages',
  isCovered: (item: EagleItem) => boolean,
  extra: Record<string, string>,
): Promise<Measurement> {
  const seen = new Set<string>();
  const kept: EagleItem[] = [];
  let previous: string[] = [];
  for (let page = 0; ; page += 1) {
    if (page >= MAX_PAGES)
      throw new ProbeError(
        `Eagle's ${path} did not stop paging after ${MAX_PAGES} pages; counts are not exact`,
      );
    const offset = model === 'items' ? page * pageSize : page;
    const items = itemsOf(await get(path, { ...extra, offset: String(offset), limit: String(pageSize) }));
    if (items.length > pageSize)
      throw new ProbeError(
        `Eagle's ${path} answered limit ${pageSize} with ${items.length} items, so it cannot be paged exactly`,
      );
    const ids = idsOf(items, path);
    // Items inserted in front during the count shift the next page: its first items are then
    // the last ones of the page before. Such an overlap lines up and is counted once; any
    // other repeat means the pages cannot be trusted.
    let overlap = 0;
    while (overlap < ids.length && seen.has(ids[overlap] as string)) overlap += 1;
    const linesUp = previous.slice(previous.length - overlap).every((id, i) => id === ids[i]);
    if (overlap > previous.length || !linesUp) throw outOfLine(path, ids[0] as string, offset);
    const pageSeen = new Set<string>();
    for (const [i, id] of ids.entries()) {
      if (i < overlap) continue;
      if (seen.has(id) || pageSeen.has(id)) throw outOfLine(path, id, offset);
      pageSeen.add(id);
      kept.push(items[i] as EagleItem);
    }
    for (const id of pageSeen) seen.add(id);
    if (items.length < pageSize) break;
    if (pageSeen.size === 0)
      throw new ProbeError(
        `Eagle's ${path} returned no new items at offset ${offset}: the pages repeat, so counts are not exact`,
      );
    previous = ids;
  }
  return tally(kept, isCovered);
}

function outOfLine(path: string, id: string, offset: number): ProbeError {
  return new ProbeError(
    `Eagle's ${path} returned item ${shortId(id)} again at offset ${offset}, out of line with the page before: the library changed during the count or Eagle pages inconsistently; try again`,
  );
}

function tally(items: readonly EagleItem[], isCovered: (item: EagleItem) => boolean): Measurement {
  const kept = items.filter((item) => !item.isDeleted);
  return { kind: 'ratio', covered: kept.filter(isCovered).length, total: kept.length };
}

function coverageTest(when: EagleProbeConfig['covered_when']): (item: EagleItem) => boolean {
  if ('tag_prefix' in when) {
    const prefix = when.tag_prefix;
    return (item) => (item.tags ?? []).some((tag) => typeof tag === 'string' && tag.startsWith(prefix));
  }
  const pattern = new RegExp(when.annotation_regex);
  return (item) => typeof item.annotation === 'string' && pattern.test(item.annotation);
}

/** GETs a path of the Eagle at `base` as JSON; each way that fails is a ProbeError naming it. */
function eagleGet(base: string, token: string | undefined, signal: AbortSignal): Get {
  return async (path, params) => {
    const url = new URL(`${base}${path}`);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    if (token) url.searchParams.set('token', token);
    let response: Response;
    try {
      response = await fetch(url, { signal, headers: { accept: 'application/json' } });
    } catch (error) {
      if (signal.aborted) throw new ProbeError('Eagle did not answer before the timeout');
      throw new ProbeError(`Eagle is not reachable at ${base} (is the app running? ${networkReason(error)})`);
    }
    if (response.status === 404 && path.startsWith('/api/v2/')) throw new V2Missing();
    if (response.status === 401 || response.status === 403)
      throw new ProbeError(`Eagle refused the request (HTTP ${response.status}): check the probe's token`);
    if (!response.ok) throw new ProbeError(`Eagle answered HTTP ${response.status} for ${path}`);
    const text = await readBounded(response, MAX_ANSWER_BYTES).catch((error: unknown) => {
      // The response is dropped unread past the limit; the connection closes with it.
      throw error instanceof ProbeError ? new ProbeError(`Eagle's ${path}: ${error.message}`) : error;
    });
    const json = parseJson(text);
    if (json === undefined) throw new ProbeError(`Eagle answered ${path} with something that is not JSON`);
    const parsed = answerSchema.safeParse(json);
    if (!parsed.success) throw new ProbeError(`Eagle's answer for ${path} has an unexpected shape`);
    if (parsed.data.status !== 'success') {
      if (path.startsWith('/api/v2/') && /not found|unknown|no route/i.test(parsed.data.message ?? ''))
        throw new V2Missing();
      throw new ProbeError(
        `Eagle answered ${path} with status "${parsed.data.status}"${parsed.data.message ? `: ${parsed.data.message}` : ''}`,
      );
    }
    return parsed.data;
  };
}
