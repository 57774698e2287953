// What an audit report holds, as the parser reads it: its tasks and the issues it documents.

/** A task of an audit report, from its "Overall Status" table or an action section. */
export interface ReportTask {
  readonly title: string;
  /** The status as written, without emoji (e.g. "Complete", "Documented"). */
  readonly status: string;
  /** Normalised for filtering: done, documented, in_progress, pending, blocked, unknown. */
  readonly state: 'done' | 'documented' | 'in_progress' | 'pending' | 'blocked' | 'unknown';
  readonly notes?: string;
}

/** An issue a report documents "for manual creation" in Notion. */
export interface DocumentedIssue {
  /** Stable within a report: its heading number or a slug of the title. */
  readonly key: string;
  readonly title: string;
  readonly priority?: string;
  readonly type?: string;
  readonly description: string;
}
