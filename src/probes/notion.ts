// `notion` probes: count the pages of a Notion data source and those matching `covered_when`.
// Counts are exact past Notion's 10,000-row per-query cap (the client's
// iterateAllDataSourceRows partitions by created_time). A full scan of 21,125 pages costs
// about 212 requests (~71 s at 3 req/s), so between full scans (`full_scan_every`, default
// daily) only pages edited since the last scan are read: 50 edits cost one request.

import { type Client, iterateAllDataSourceRows, iteratePaginatedAPI } from '@notionhq/client';
import { z } from 'zod';
import { describeNotionError, retrieveDataSource } from '../kit/notion.js';
import { duration, notionId } from '../kit/schemas.js';
import { defineProbeKind, type ProbeDeps, probeBase, ratioTarget } from './kind.js';
import { NotionPages, type PageState } from './notion-pages.js';
import { type Measurement, type Probe, ProbeError, probeIdentity, unavailableProbe } from './types.js';

const notionProbeSchema = z
  .strictObject({
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
  })
  .superRefine((probe, ctx) => {
    const { is_not_empty, equals } = probe.covered_when;
    if ((is_not_empty === undefined) === (equals === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['covered_when'],
        message: 'must have exactly one of is_not_empty: true or equals: <value>',
      });
    }
  });
type NotionProbeConfig = z.output<typeof notionProbeSchema>;

export const notionKind = defineProbeKind({
  kind: 'notion',
  schema: notionProbeSchema,
  // A full scan of 21k pages at Notion's 3 requests per second takes minutes.
  defaultTimeoutMs: 15 * 60_000,
  defaultRefresh: '*/30 * * * *',
  create: (probe, context) =>
    context.notion
      ? createNotionProbe(probe, { client: context.notion, store: context.store, now: context.now })
      : unavailableProbe(probe, `Notion data source ${probe.data_source}`, 'NOTION_TOKEN is not set'),
});
type CoveredWhen = NotionProbeConfig['covered_when'];

export const NOTION_PAGE_SIZE = 100;
/** Notion's last_edited_time has minute precision: look back a little to never miss an edit. */
const WATERMARK_SLACK_MS = 60_000;

const pageSchema = z.object({
  object: z.literal('page'),
  id: z.string(),
  last_edited_time: z.string(),
  in_trash: z.boolean().optional(),
  archived: z.boolean().optional(),
  properties: z.record(z.string(), z.unknown()).default({}),
});

const schemaSchema = z.object({
  id: z.string(),
  properties: z.record(z.string(), z.object({ id: z.string(), type: z.string() })),
});

interface Schema {
  readonly dataSourceId: string;
  readonly propertyId: string;
}

/** ProbeDeps' store and clock, with the Notion client it holds only when NOTION_TOKEN is set. */
type NotionProbeDeps = Pick<ProbeDeps, 'store' | 'now'> & { readonly client: Client };

export function createNotionProbe(config: NotionProbeConfig, deps: NotionProbeDeps): Probe {
  const pages = new NotionPages(deps.store);
  // Resolved once per process: a database id → its data source, and the property's id.
  let schema: Schema | undefined;

  return {
    ...probeIdentity(config),
    source: `Notion data source ${config.data_source}`,
    async run({ signal }): Promise<Measurement> {
      try {
        schema ??= await readSchema(deps.client, config);
        const state = pages.scanState(config.id);
        const due =
          !state ||
          state.dataSourceId !== schema.dataSourceId ||
          deps.now().getTime() - Date.parse(state.lastFullScanAt) >= config.full_scan_every;
        const query = {
          data_source_id: schema.dataSourceId,
          page_size: NOTION_PAGE_SIZE,
          filter_properties: [schema.propertyId],
        };
        const scan = { client: deps.client, config, query, pages, signal };
        if (due) await fullScan(scan, deps.now());
        else await incrementalScan(scan, state.editedWatermark);
      } catch (error) {
        // A data source that changed shape is read again next time.
        schema = undefined;
        if (error instanceof ProbeError) throw error;
        throw new ProbeError(
          `Notion data source ${config.data_source.slice(0, 8)}…: ${describeNotionError(error)}`,
          { cause: error },
        );
      }
      const { total, covered } = pages.counts(config.id);
      return { kind: 'ratio', covered, total };
    },
  };
}

/** Resolves a database id to its data source and checks the property exists. */
async function readSchema(client: Client, config: NotionProbeConfig): Promise<Schema> {
  const raw = await retrieveDataSource(client, config.data_source);
  if (raw === undefined)
    throw new ProbeError(
      `Notion data source ${config.data_source} not found, or not shared with the integration`,
    );
  const parsed = schemaSchema.safeParse(raw);
  if (!parsed.success) throw new ProbeError('Notion answered the data source with an unexpected shape');
  const property = parsed.data.properties[config.covered_when.property];
  if (!property) {
    const known = Object.keys(parsed.data.properties).sort().join(', ');
    throw new ProbeError(
      `the data source has no property "${config.covered_when.property}" (it has: ${known})`,
    );
  }
  return { dataSourceId: parsed.data.id, propertyId: property.id };
}

/** What both scans read (the data source, only the covered_when property) and where they store it. */
interface Scan {
  readonly client: Client;
  readonly config: NotionProbeConfig;
  readonly query: { data_source_id: string; page_size: number; filter_properties: string[] };
  readonly pages: NotionPages;
  readonly signal: AbortSignal;
}

async function fullScan({ client, config, query, pages, signal }: Scan, startedAt: Date): Promise<void> {
  const seen = new Map<string, PageState>();
  let newestEdit = '';
  for await (const row of iterateAllDataSourceRows(client, query)) {
    if (signal.aborted)
      throw new ProbeError('the full scan was stopped before it finished; counts are unchanged');
    const page = toPageState(row, config.covered_when);
    if (page && !page.trashed) seen.set(page.state.pageId, page.state);
    if (page && page.state.lastEditedTime > newestEdit) newestEdit = page.state.lastEditedTime;
  }
  if (signal.aborted)
    throw new ProbeError('the full scan was stopped before it finished; counts are unchanged');
  // Edits made while the scan ran are picked up by the next incremental scan. Notion's own
  // timestamps bound the watermark too, so a local clock running ahead cannot skip edits.
  const newestMs = newestEdit ? Date.parse(newestEdit) : startedAt.getTime();
  const watermark = new Date(Math.min(newestMs, startedAt.getTime()) - WATERMARK_SLACK_MS).toISOString();
  await pages.replaceAll(config.id, seen.values(), {
    dataSourceId: query.data_source_id,
    lastFullScanAt: startedAt.toISOString(),
    editedWatermark: watermark,
  });
}

async function incrementalScan({ client, config, query, pages, signal }: Scan, watermark: string) {
  const changed: PageState[] = [];
  const removed: string[] = [];
  let newest = watermark;
  const rows = iteratePaginatedAPI(client.dataSources.query, {
    ...query,
    filter: { timestamp: 'last_edited_time', last_edited_time: { on_or_after: watermark } },
    sorts: [{ timestamp: 'last_edited_time', direction: 'ascending' }],
  });
  for await (const row of rows) {
    if (signal.aborted)
      throw new ProbeError('the refresh was stopped before it finished; counts are unchanged');
    const page = toPageState(row, config.covered_when);
    if (!page) continue;
    if (page.trashed) removed.push(page.state.pageId);
    else changed.push(page.state);
    if (page.state.lastEditedTime > newest) newest = page.state.lastEditedTime;
  }
  const next = new Date(
    Math.max(Date.parse(watermark), Date.parse(newest) - WATERMARK_SLACK_MS),
  ).toISOString();
  pages.applyChanges(config.id, changed, removed, next);
}

function toPageState(row: unknown, when: CoveredWhen): { state: PageState; trashed: boolean } | undefined {
  const page = pageSchema.safeParse(row);
  if (!page.success) return undefined;
  const { id, last_edited_time, in_trash, archived, properties } = page.data;
  const value = findProperty(properties, when.property);
  return {
    state: { pageId: id, covered: isCovered(value, when), lastEditedTime: last_edited_time },
    trashed: in_trash === true || archived === true,
  };
}

/** Pages carry properties by name; with filter_properties only the requested one is present. */
function findProperty(properties: Record<string, unknown>, name: string): unknown {
  if (name in properties) return properties[name];
  const values = Object.values(properties);
  return values.length === 1 ? values[0] : undefined;
}

const propertyValueSchema = z.object({ type: z.string() }).loose();

/** Whether a page property value satisfies `covered_when` (is_not_empty, or equals a value). */
export function isCovered(raw: unknown, when: CoveredWhen): boolean {
  const parsed = propertyValueSchema.safeParse(raw);
  if (!parsed.success) return false;
  const value = unwrap(parsed.data);
  if (when.is_not_empty) return !isEmpty(value);
  if (when.equals === undefined) return false;
  if (Array.isArray(value)) return value.some((v) => String(v) === String(when.equals));
  return value !== undefined && value !== null && String(value) === String(when.equals);
}

type Plain = string | number | boolean | null | undefined | Plain[];

/** A property value as plain data: text for text, names for selects, numbers, booleans, lists. */
function unwrap(property: { type: string; [key: string]: unknown }): Plain {
  const inner = property[property.type];
  const text = (items: unknown) =>
    Array.isArray(items)
      ? items.map((t) => String((t as { plain_text?: unknown }).plain_text ?? '')).join('')
      : '';
  const nameOf = (v: unknown) =>
    v && typeof v === 'object' ? String((v as { name?: unknown }).name ?? '') : null;
  switch (property.type) {
    case 'title':
    case 'rich_text':
      return text(inner);
    case 'select':
    case 'status':
      return inner ? nameOf(inner) : null;
    case 'multi_select':
      return Array.isArray(inner) ? inner.map((v) => nameOf(v) ?? '') : [];
    case 'relation':
    case 'people':
    case 'files':
      return Array.isArray(inner) ? inner.map(() => 'x') : [];
    case 'date':
      return inner && typeof inner === 'object'
        ? String((inner as { start?: unknown }).start ?? '') || null
        : null;
    case 'formula': {
      if (!inner || typeof inner !== 'object') return null;
      const formula = inner as { type?: string; [key: string]: unknown };
      const result = formula.type ? formula[formula.type] : null;
      if (result && typeof result === 'object')
        return String((result as { start?: unknown }).start ?? '') || null;
      return (result as Plain) ?? null;
    }
    case 'unique_id':
      return inner && typeof inner === 'object' ? ((inner as { number?: number }).number ?? null) : null;
    default:
      // number, checkbox, url, email, phone_number and the like: the value itself.
      return (inner as Plain) ?? null;
  }
}

function isEmpty(value: Plain): boolean {
  if (value === null || value === undefined || value === false) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}
