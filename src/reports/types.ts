// What an audit report holds, as the parser reads it: its tasks and the issues it documents.
// The schemas read a stored report measurement back; the types are theirs.

import { z } from 'zod';

/** A task of an audit report, from its "Overall Status" table or an action section. */
export const reportTaskSchema = z.object({
  title: z.string(),
  /** The status as written, without emoji (e.g. "Complete", "Documented"). */
  status: z.string(),
  /** Normalised for filtering: done, documented, in_progress, pending, blocked, unknown. */
  state: z.enum(['done', 'documented', 'in_progress', 'pending', 'blocked', 'unknown']),
  notes: z.string().optional(),
});
export type ReportTask = Readonly<z.infer<typeof reportTaskSchema>>;

/** An issue a report documents "for manual creation" in Notion. */
export const documentedIssueSchema = z.object({
  /** Stable within a report: its heading number or a slug of the title. */
  key: z.string(),
  title: z.string(),
  priority: z.string().optional(),
  type: z.string().optional(),
  description: z.string(),
});
export type DocumentedIssue = Readonly<z.infer<typeof documentedIssueSchema>>;
