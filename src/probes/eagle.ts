// `eagle` probes: count items of the Eagle library and those covered (a tag with a prefix such
// as `fp:`, or an annotation matching a regex). Uses Eagle's Web API V2 (`/api/v2/item/get`,
// only the needed `fields`, 1,000 items a page) and falls back to V1 (`/api/item/list`) on
// older Eagle builds that lack V2.

import { z } from 'zod';
import type { ProbeConfig } from '../config.js';
import { networkReason } from './net.js';
import { type Measurement, type Probe, ProbeError } from './types.js';

type EagleProbeConfig = Extract<ProbeConfig, { kind: 'eagle' }>;

/** V2's maximum page size (developer.eagle.cool/web-api/api/item: limit default 50, max 1000). */
export const EAGLE_V2_PAGE = 1000;
/** V1 has no documented maximum; 1,000 keeps each answer a few hundred KB. */
export const EAGLE_V1_PAGE = 1000;
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

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

class V2Missing extends Error {}

export function createEagleProbe(config: EagleProbeConfig, deps: { fetch?: typeof fetch } = {}): Probe {
  const fetchImpl = deps.fetch ?? fetch;
  const base = config.url.replace(/\/+$/, '');
  const covered = coverageTest(config.covered_when);
  return {
    id: config.id,
    kind: 'eagle',
    title: config.title ?? config.id,
    source: `Eagle at ${base}`,
    async run({ signal }): Promise<Measurement> {
      const get = (path: string, params: Record<string, string>) =>
        getJson(fetchImpl, base, path, params, config.token, signal);
      try {
        return await countPages(get, '/api/v2/item/get', EAGLE_V2_PAGE, covered, {
          fields: fieldsFor(config.covered_when),
        });
      } catch (error) {
        if (!(error instanceof V2Missing)) throw error;
      }
      return countPages(get, '/api/item/list', EAGLE_V1_PAGE, covered, {});
    },
  };
}

type Get = (path: string, params: Record<string, string>) => Promise<z.infer<typeof answerSchema>>;

async function countPages(
  get: Get,
  path: string,
  pageSize: number,
  isCovered: (item: EagleItem) => boolean,
  extra: Record<string, string>,
): Promise<Measurement> {
  let total = 0;
  let coveredCount = 0;
  for (let offset = 0; ; offset += pageSize) {
    const answer = await get(path, { ...extra, offset: String(offset), limit: String(pageSize) });
    const data = answer.data;
    const items =
      data === undefined ? [] : Array.isArray(data) ? data : 'items' in data ? data.items : data.data;
    for (const item of items) {
      if (item.isDeleted) continue;
      total += 1;
      if (isCovered(item)) coveredCount += 1;
    }
    if (items.length < pageSize) break;
  }
  return { kind: 'ratio', covered: coveredCount, total };
}

function fieldsFor(when: EagleProbeConfig['covered_when']): string {
  return 'tag_prefix' in when ? 'id,tags,isDeleted' : 'id,annotation,isDeleted';
}

function coverageTest(when: EagleProbeConfig['covered_when']): (item: EagleItem) => boolean {
  if ('tag_prefix' in when) {
    const prefix = when.tag_prefix;
    return (item) => (item.tags ?? []).some((tag) => typeof tag === 'string' && tag.startsWith(prefix));
  }
  const pattern = new RegExp(when.annotation_regex);
  return (item) => typeof item.annotation === 'string' && pattern.test(item.annotation);
}

async function getJson(
  fetchImpl: typeof fetch,
  base: string,
  path: string,
  params: Record<string, string>,
  token: string | undefined,
  signal: AbortSignal,
): Promise<z.infer<typeof answerSchema>> {
  const url = new URL(`${base}${path}`);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  if (token) url.searchParams.set('token', token);
  let response: Response;
  try {
    response = await fetchImpl(url, { signal, headers: { accept: 'application/json' } });
  } catch (error) {
    if (signal.aborted) throw new ProbeError('Eagle did not answer before the timeout');
    throw new ProbeError(`Eagle is not reachable at ${base} (is the app running? ${networkReason(error)})`);
  }
  if (response.status === 404 && path.startsWith('/api/v2/')) throw new V2Missing();
  if (response.status === 401 || response.status === 403) {
    throw new ProbeError(`Eagle refused the request (HTTP ${response.status}): check the probe's token`);
  }
  if (!response.ok) throw new ProbeError(`Eagle answered HTTP ${response.status} for ${path}`);
  const text = await response.text();
  if (text.length > MAX_ANSWER_BYTES) throw new ProbeError(`Eagle's answer for ${path} is too large`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProbeError(`Eagle answered ${path} with something that is not JSON`);
  }
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
}
