// Notion issues in the "Issues+Questions" data source: reads its schema to find the title
// property and the Priority/Type selects (names overridable in notion.issues.properties),
// finds an existing page with the same title, and creates pages whose description is page
// content split into Notion's 2,000-character text objects, never silently truncated.

import type { Client } from '@notionhq/client';
import { z } from 'zod';
import type { Config } from '../config/index.js';
import { AuditBotError } from '../kit/errors.js';
import { describeNotionError, isNotFound, retrieveDataSource } from '../kit/notion.js';
import {
  type IssueState,
  isDoneStatus,
  isFinishedStatus,
  readIssueState,
  statusPropertyName,
} from './notion-state.js';

type IssuesConfig = Pick<
  NonNullable<Config['notion']['issues']>,
  'data_source' | 'properties' | 'done_status'
>;

export const PRIORITIES = ['High', 'Medium', 'Low'] as const;
export const ISSUE_TYPES = ['Internal Issue', 'Bug', 'Question', 'Task'] as const;

/** Notion's limit for the content of one text object. */
export const NOTION_TEXT_LIMIT = 2000;

export interface IssueDraft {
  readonly title: string;
  readonly priority: string;
  readonly type: string;
  readonly description: string;
  /** Permalink of the Slack message the issue came from. */
  readonly slackLink?: string;
  /** The audit report it was documented in. */
  readonly reportFile?: string;
  /** The check the issue tracks, with its figure when the page is created. */
  readonly check?: TrackedCheck;
}

export interface TrackedCheck {
  readonly id: string;
  readonly title: string;
  readonly figure: string;
}

export interface CreatedIssue {
  readonly id: string;
  readonly url: string;
  /** True when an existing page with the same title was found instead of creating one. */
  readonly existing: boolean;
}

/** A problem the user can act on (missing property or option, no access): shown to them. */
export class IssueSetupError extends AuditBotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('startup_failed', message, options);
    this.name = 'IssueSetupError';
  }
}

interface Schema {
  readonly dataSourceId: string;
  readonly title: string;
  readonly priority?: { name: string; options: readonly string[] };
  readonly type?: { name: string; options: readonly string[] };
  /** The issue's state: a Notion `status` property, or a select (see notion-state.ts). */
  readonly status?: { name: string; kind: 'status' | 'select'; options: readonly string[] };
}

const schemaSchema = z.object({
  id: z.string(),
  properties: z.record(
    z.string(),
    z
      .object({
        type: z.string(),
        select: z.object({ options: z.array(z.object({ name: z.string() })).default([]) }).optional(),
        status: z.object({ options: z.array(z.object({ name: z.string() })).default([]) }).optional(),
      })
      .loose(),
  ),
});

const pageSchema = z.object({
  id: z.string(),
  url: z.string(),
  in_trash: z.boolean().optional(),
  archived: z.boolean().optional(),
});

/** Splits text into ≤2,000-character pieces at paragraph, then line, then word boundaries. */
export function splitText(text: string, limit = NOTION_TEXT_LIMIT): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    // The last paragraph break in the second half of the window, else the last line break, else
    // the last space; with none of them, a hard cut.
    const at = ['\n\n', '\n', ' '].map((sep) => window.lastIndexOf(sep)).find((i) => i > limit / 2) ?? limit;
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\s+/, '');
  }
  if (rest.length > 0) pieces.push(rest);
  return pieces;
}

/** Page content: the description as paragraphs, then where the issue came from. */
export function issueBlocks(
  draft: Pick<IssueDraft, 'description' | 'slackLink' | 'reportFile' | 'check'>,
): unknown[] {
  const paragraph = (content: string, link?: string) => ({
    object: 'block',
    type: 'paragraph',
    paragraph: { rich_text: [{ type: 'text', text: { content, ...(link ? { link: { url: link } } : {}) } }] },
  });
  const blocks = draft.description
    .split(/\n{2,}/)
    .filter((p) => p.trim() !== '')
    .flatMap((p) => splitText(p).map((piece) => paragraph(piece)));
  if (draft.slackLink) blocks.push(paragraph('Slack message', draft.slackLink));
  if (draft.reportFile) blocks.push(paragraph(`From audit report ${draft.reportFile}`));
  if (draft.check)
    blocks.push(
      paragraph(
        `Tracks the check "${draft.check.title}" (${draft.check.id}); at creation: ${draft.check.figure}`,
      ),
    );
  return blocks;
}

export class NotionIssues {
  private schema: Schema | undefined;

  constructor(
    private readonly client: Client,
    private readonly config: IssuesConfig,
  ) {}

  /** Finds a page with exactly this title, else creates one. */
  async create(draft: IssueDraft): Promise<CreatedIssue> {
    const schema = await this.readSchema();
    const duplicate = await this.findByTitle(schema, draft.title);
    if (duplicate) return { ...duplicate, existing: true };
    const properties = {
      [schema.title]: {
        title: splitText(draft.title).map((content) => ({ type: 'text', text: { content } })),
      },
      ...selectProperty(schema.priority, draft.priority, 'Priority'),
      ...selectProperty(schema.type, draft.type, 'Type'),
    };
    const page = pageSchema.safeParse(
      await this.client.pages.create({
        parent: { data_source_id: schema.dataSourceId },
        properties: properties as Parameters<Client['pages']['create']>[0]['properties'],
        children: issueBlocks(draft) as NonNullable<Parameters<Client['pages']['create']>[0]['children']>,
      }),
    );
    if (!page.success) throw new IssueSetupError('Notion answered the new page unexpectedly');
    return { id: page.data.id, url: page.data.url, existing: false };
  }

  /**
   * Sets the page's status — to the done value (`close`), or back to the first option that is
   * not done (`reopen`) — and adds `comment`, unless a comment containing `marker` is there
   * already (a change cut off after it), so a retried change comments once. Returns the status.
   */
  async setStatus(pageId: string, to: 'close' | 'reopen', comment: string, marker: string): Promise<string> {
    const { status } = await this.readSchema();
    if (!status)
      throw new IssueSetupError(
        'the Issues data source has no status property (notion.issues.properties.status)',
      );
    const wanted = to === 'close' ? this.config.done_status : undefined;
    const value = wanted
      ? status.options.find((o) => o.toLowerCase() === wanted.toLowerCase())
      : status.options.find((o) => (to === 'close' ? isDoneStatus(o) : !isFinishedStatus(o)));
    if (!value)
      throw new IssueSetupError(
        `"${status.name}" has no ${wanted ? `option "${wanted}"` : to === 'close' ? 'done option' : 'option that is not done'} (notion.issues.done_status; options: ${status.options.join(', ') || 'none'})`,
      );
    await this.client.pages.update({
      page_id: pageId,
      properties: {
        [status.name]: status.kind === 'status' ? { status: { name: value } } : { select: { name: value } },
      },
    } as Parameters<Client['pages']['update']>[0]);
    const existing = await this.client.comments.list({ block_id: pageId, page_size: 100 });
    if (!JSON.stringify(existing.results).includes(marker))
      await this.client.comments.create({
        parent: { page_id: pageId },
        rich_text: splitText(comment).map((content) => ({ type: 'text', text: { content } })),
      });
    return value;
  }

  /** The page's current state; `gone` when Notion no longer has it (or it was trashed). */
  async state(pageId: string): Promise<IssueState | undefined> {
    try {
      return readIssueState(await this.client.pages.retrieve({ page_id: pageId }), this.config.properties);
    } catch (error) {
      if (isNotFound(error))
        return {
          pageId,
          status: undefined,
          assignee: undefined,
          editedAt: new Date(0).toISOString(),
          gone: true,
        };
      throw error;
    }
  }

  /**
   * Pages of the Issues data source edited at or after `since`, oldest first, at most `limit`
   * (the poll asks again from the newest it saw). Pages that do not read as pages are skipped.
   */
  async editedSince(since: string, limit = 200): Promise<IssueState[]> {
    const schema = await this.readSchema();
    const states: IssueState[] = [];
    let cursor: string | undefined;
    do {
      const answer = await this.client.dataSources.query({
        data_source_id: schema.dataSourceId,
        filter: { timestamp: 'last_edited_time', last_edited_time: { on_or_after: since } },
        sorts: [{ timestamp: 'last_edited_time', direction: 'ascending' }],
        page_size: 100,
        ...(cursor ? { start_cursor: cursor } : {}),
      });
      for (const raw of answer.results) {
        const state = readIssueState(raw, this.config.properties);
        if (state) states.push(state);
      }
      cursor = answer.has_more ? (answer.next_cursor ?? undefined) : undefined;
    } while (cursor && states.length < limit);
    return states;
  }

  private async findByTitle(schema: Schema, title: string): Promise<{ id: string; url: string } | undefined> {
    const answer = await this.client.dataSources.query({
      data_source_id: schema.dataSourceId,
      filter: { property: schema.title, title: { equals: title } },
      page_size: 5,
    });
    for (const raw of answer.results) {
      const page = pageSchema.safeParse(raw);
      if (page.success && !page.data.in_trash && !page.data.archived)
        return { id: page.data.id, url: page.data.url };
    }
    return undefined;
  }

  private async readSchema(): Promise<Schema> {
    if (this.schema) return this.schema;
    const raw = await retrieveDataSource(this.client, this.config.data_source).catch((error: unknown) => {
      throw new IssueSetupError(`the Issues data source: ${describeNotionError(error)}`, { cause: error });
    });
    if (raw === undefined)
      throw new IssueSetupError(
        `the Issues data source ${this.config.data_source} was not found, or is not shared with the integration`,
      );
    const parsed = schemaSchema.safeParse(raw);
    if (!parsed.success) throw new IssueSetupError('Notion answered the Issues data source unexpectedly');
    const props = parsed.data.properties;
    const names = this.config.properties;
    const title = names.title ?? Object.keys(props).find((n) => props[n]?.type === 'title');
    if (!title || props[title]?.type !== 'title') {
      throw new IssueSetupError(
        `the Issues data source has no title property${names.title ? ` named "${names.title}"` : ''}`,
      );
    }
    const select = (wanted: string | undefined, fallback: string) => {
      const name = wanted ?? fallback;
      const prop = props[name];
      if (!prop) {
        if (wanted)
          throw new IssueSetupError(
            `the Issues data source has no property "${wanted}" (notion.issues.properties)`,
          );
        return undefined;
      }
      if (prop.type !== 'select')
        throw new IssueSetupError(`the property "${name}" is a ${prop.type}, not a select`);
      return { name, options: (prop.select?.options ?? []).map((o) => o.name) };
    };
    this.schema = {
      dataSourceId: parsed.data.id,
      title,
      priority: select(names.priority, 'Priority'),
      type: select(names.type, 'Type'),
      status: statusProperty(props, names.status),
    };
    return this.schema;
  }
}

/** The select property set to its option named `wanted` (in any case); none without the property. */
/** The status property (see statusPropertyName) with its options. */
function statusProperty(
  props: z.infer<typeof schemaSchema>['properties'],
  wanted: string | undefined,
): Schema['status'] {
  const name = statusPropertyName(props, wanted);
  const prop = name ? props[name] : undefined;
  if (!name || !prop || (prop.type !== 'status' && prop.type !== 'select')) return undefined;
  const options = (prop.type === 'status' ? prop.status : prop.select)?.options ?? [];
  return { name, kind: prop.type, options: options.map((o) => o.name) };
}

function selectProperty(select: Schema['priority'], wanted: string, label: string): Record<string, unknown> {
  if (!select) return {};
  const found = select.options.find((o) => o.toLowerCase() === wanted.toLowerCase());
  if (!found) {
    throw new IssueSetupError(
      `${label} "${wanted}" is not an option of "${select.name}" in Notion (options: ${select.options.join(', ') || 'none'})`,
    );
  }
  return { [select.name]: { select: { name: found } } };
}
