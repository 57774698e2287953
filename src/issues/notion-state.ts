// What Notion says of a created issue now: its status, who is assigned, when it was last edited,
// and whether it is gone (trashed). Read from a page object, whether retrieved one by one (after
// a webhook's signal) or listed by an incremental query of the data source (the poll).

import { z } from 'zod';

/** Status names that mean done: Close issue sets the first option among them. */
const DONE_STATUS = /^(done|closed|resolved|complete|completed|fixed)$/i;
/** Finished without being done. */
const DROPPED_STATUS = /^(won'?t fix|archived)$/i;

export function isDoneStatus(status: string): boolean {
  return DONE_STATUS.test(status);
}

/** Done, or dropped: nothing more is expected of the issue. */
export function isFinishedStatus(status: string): boolean {
  return DONE_STATUS.test(status) || DROPPED_STATUS.test(status);
}

export interface IssueState {
  readonly pageId: string;
  readonly status: string | undefined;
  readonly assignee: string | undefined;
  readonly editedAt: string;
  readonly gone: boolean;
}

/** Property names from notion.issues.properties; undefined: discovered from the page. */
export interface StateProperties {
  readonly status?: string | undefined;
  readonly assignee?: string | undefined;
}

const named = z.object({ name: z.string().nullish() }).loose();
const property = z
  .object({
    type: z.string(),
    status: named.nullish(),
    select: named.nullish(),
    people: z.array(z.object({ id: z.string(), name: z.string().nullish() }).loose()).nullish(),
  })
  .loose();
const pageSchema = z
  .object({
    object: z.literal('page').optional(),
    id: z.string(),
    last_edited_time: z.string(),
    in_trash: z.boolean().optional(),
    archived: z.boolean().optional(),
    properties: z.record(z.string(), property).default({}),
  })
  .loose();

/**
 * Which property holds an issue's state, in a data source's schema or a page alike: the one
 * named in notion.issues.properties.status, else the first of Notion's type `status`, else a
 * select named Status.
 */
export function statusPropertyName(
  properties: Readonly<Record<string, { readonly type: string } | undefined>>,
  wanted: string | undefined,
): string | undefined {
  if (wanted !== undefined) return wanted;
  const names = Object.keys(properties);
  return (
    names.find((n) => properties[n]?.type === 'status') ??
    names.find((n) => properties[n]?.type === 'select' && /^status$/i.test(n))
  );
}

/** The state of one page; undefined when the object is not a page Notion would send. */
export function readIssueState(raw: unknown, names: StateProperties = {}): IssueState | undefined {
  const parsed = pageSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const page = parsed.data;
  const statusName = statusPropertyName(page.properties, names.status);
  const status = statusName === undefined ? undefined : page.properties[statusName];
  const people =
    names.assignee !== undefined
      ? page.properties[names.assignee]
      : Object.values(page.properties).find((p) => p.type === 'people');
  return {
    pageId: page.id,
    status: (status?.type === 'status' ? status.status?.name : status?.select?.name) ?? undefined,
    assignee: people?.people?.map((p) => p.name ?? p.id).join(', ') || undefined,
    editedAt: page.last_edited_time,
    gone: page.in_trash === true || page.archived === true,
  };
}
