// The issue form: opened in a modal, and its submitted values (a Slack payload: parsed with zod)
// read and checked.

import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import { ISSUE_FIELD } from '../kit/ids.js';
import { type IssueFormInput, issueForm } from './blocks.js';
import { ISSUE_TYPES, type IssueDraft, PRIORITIES } from './notion.js';

const valueSchema = z.object({
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
});
const stateSchema = z.record(z.string(), z.record(z.string(), valueSchema));

export type IssueFields = Pick<IssueDraft, 'title' | 'priority' | 'type' | 'description'> & {
  /** The check the issue tracks (optional in the form). */
  readonly probeId: string | undefined;
};

export type FormResult = { ok: true; fields: IssueFields } | { ok: false; errors: Record<string, string> };

/** `checks`: the ids the Check select offered; another id (a forged view) is refused. */
export function readIssueForm(values: unknown, checks: readonly string[] = []): FormResult {
  const parsed = stateSchema.safeParse(values);
  if (!parsed.success)
    return { ok: false, errors: { [ISSUE_FIELD.title]: 'The form could not be read; please try again.' } };
  const get = (field: string) => parsed.data[field]?.[field];
  const title = (get(ISSUE_FIELD.title)?.value ?? '').trim();
  const priority = get(ISSUE_FIELD.priority)?.selected_option?.value ?? '';
  const type = get(ISSUE_FIELD.type)?.selected_option?.value ?? '';
  const description = (get(ISSUE_FIELD.description)?.value ?? '').trim();
  const probeId = get(ISSUE_FIELD.check)?.selected_option?.value ?? undefined;
  const errors: Record<string, string> = {};
  if (probeId !== undefined && !checks.includes(probeId))
    errors[ISSUE_FIELD.check] = 'Choose one of the listed checks, or none.';
  if (title.length < 3) errors[ISSUE_FIELD.title] = 'Give the issue a title of at least 3 characters.';
  if (!(PRIORITIES as readonly string[]).includes(priority))
    errors[ISSUE_FIELD.priority] = `Choose one of ${PRIORITIES.join(', ')}.`;
  if (!(ISSUE_TYPES as readonly string[]).includes(type))
    errors[ISSUE_FIELD.type] = `Choose one of ${ISSUE_TYPES.join(', ')}.`;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, fields: { title, priority, type, description, probeId } };
}

const metadataSchema = z.object({
  channel: z.string().optional(),
  slackLink: z.string().optional(),
  proposalId: z.number().optional(),
});
export type FormMetadata = z.infer<typeof metadataSchema>;

export function readMetadata(text: string | undefined): FormMetadata {
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(text || '{}'));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** Opens the issue form (`/audit issue`, the message shortcut, Edit of a proposal). */
export async function openIssueForm(
  client: webApi.WebClient,
  triggerId: string,
  form: {
    readonly prefill: Omit<IssueFormInput, 'metadata' | 'submitLabel' | 'checks'>;
    /** Kept with the view: where the form was opened and for what. */
    readonly metadata: Record<string, unknown>;
    /** The checks an issue may track, offered in the Check select. */
    readonly checks: IssueFormInput['checks'];
    readonly submitLabel?: string;
  },
): Promise<void> {
  await client.views.open({
    trigger_id: triggerId,
    view: issueForm({
      ...form.prefill,
      metadata: JSON.stringify(form.metadata),
      checks: form.checks,
      ...(form.submitLabel ? { submitLabel: form.submitLabel } : {}),
    }),
  });
}
