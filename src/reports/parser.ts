// Parses a markdown audit report (see examples/plans/) into its tasks and the issues it
// documents for Notion. Pure and forgiving: any input gives a result, and whatever could
// not be understood is reported as a warning instead of an exception.

import type { DocumentedIssue, ReportTask } from '../probes/types.js';

export interface ParsedReport {
  readonly title: string;
  readonly generatedAt?: string;
  readonly sourceAudit?: string;
  readonly tasks: ReportTask[];
  readonly issues: DocumentedIssue[];
  readonly warnings: string[];
}

interface Heading {
  readonly level: number;
  readonly text: string;
  readonly line: number;
}

const EMOJI = /[\u{2300}-\u{23FF}\u{1F300}-\u{1FAFF}\u{2600}-\u{27BF}\u{2B00}-\u{2BFF}]|\u{FE0F}|\u{200D}/gu;

export function parseAuditReport(markdown: string, file: string): ParsedReport {
  const lines = String(markdown ?? '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  const warnings: string[] = [];
  const headings = findHeadings(lines);

  const titleHeading = headings.find((h) => h.level === 1);
  const title = titleHeading ? stripEmoji(titleHeading.text) : file;
  if (!titleHeading) warnings.push('no "# title" heading found; using the file name');

  const generated = fieldValue(lines, 'Generated');
  const generatedAt = generated ? toIso(generated) : undefined;
  if (generated && !generatedAt) warnings.push(`"Generated: ${generated}" is not a date`);
  const sourceAudit = fieldValue(lines, 'Source Audit');

  let tasks = parseStatusTable(lines, headings);
  if (tasks.length === 0) {
    warnings.push('no "Overall Status" table found; tasks come from the numbered action sections');
    tasks = parseActionSections(lines, headings);
  }
  const issues = parseIssues(lines, headings, warnings);

  return {
    title,
    ...(generatedAt ? { generatedAt } : {}),
    ...(sourceAudit ? { sourceAudit } : {}),
    tasks,
    issues,
    warnings,
  };
}

function findHeadings(lines: readonly string[]): Heading[] {
  const headings: Heading[] = [];
  let inFence = false;
  lines.forEach((raw, index) => {
    if (/^\s*(```|~~~)/.test(raw)) inFence = !inFence;
    if (inFence) return;
    const match = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(raw);
    if (match?.[1] && match[2] !== undefined)
      headings.push({ level: match[1].length, text: match[2], line: index });
  });
  return headings;
}

/** Lines after `heading` up to the next heading of the same or a higher level. */
function sectionLines(lines: readonly string[], headings: readonly Heading[], heading: Heading): string[] {
  const next = headings.find((h) => h.line > heading.line && h.level <= heading.level);
  return lines.slice(heading.line + 1, next ? next.line : lines.length);
}

function stripEmoji(text: string): string {
  return text.replace(EMOJI, '').replace(/\s+/g, ' ').trim();
}

/** `**Name:** value` or `Name: value` at the start of a line. */
function fieldValue(lines: readonly string[], name: string): string | undefined {
  const pattern = new RegExp(`^\\s*[-*]?\\s*(?:\\*\\*)?${name}:?(?:\\*\\*)?:?\\s*(.+?)\\s*$`, 'i');
  for (const line of lines) {
    const match = pattern.exec(line);
    if (match?.[1]) return match[1].replace(/^\*\*\s*/, '').trim();
  }
  return undefined;
}

function toIso(text: string): string | undefined {
  const match = /(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)\s*(UTC|Z)?/.exec(text);
  if (match) {
    const time = match[2]?.length === 5 ? `${match[2]}:00` : match[2];
    const date = new Date(`${match[1]}T${time}Z`);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  const dateOnly = /(\d{4}-\d{2}-\d{2})/.exec(text);
  return dateOnly ? new Date(`${dateOnly[1]}T00:00:00Z`).toISOString() : undefined;
}

/** Done, documented, pending… from the written status; the emoji decides when present. */
export function taskState(status: string): ReportTask['state'] {
  const lower = status.toLowerCase();
  if (status.includes('❌') || /\bblocked\b|\bfailed\b/.test(lower)) return 'blocked';
  // ⏳ means "not finished", whatever the word next to it says ("⏳ Documented" = waiting for someone).
  if (status.includes('⏳') || status.includes('🔄'))
    return /progress|running|ongoing/.test(lower) ? 'in_progress' : 'pending';
  if (/in progress|running|ongoing/.test(lower)) return 'in_progress';
  if (/pending|todo|to do|not started|waiting|open/.test(lower)) return 'pending';
  if (/complete|completed|done|finished|passed|integrated/.test(lower)) return 'done';
  if (/documented|analy[sz]ed|ready|reviewed/.test(lower)) return 'documented';
  if (status.includes('✅')) return 'done';
  return 'unknown';
}

function splitRow(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}

function parseStatusTable(lines: readonly string[], headings: readonly Heading[]): ReportTask[] {
  const heading = headings.find((h) => /overall status/i.test(h.text));
  if (!heading) return [];
  const body = sectionLines(lines, headings, heading).filter((l) => l.trim().startsWith('|'));
  const [head, separator, ...rows] = body;
  if (!head || !separator || !/^\s*\|?\s*:?-{3,}/.test(separator)) return [];
  const columns = splitRow(head).map((c) => c.toLowerCase());
  const at = (name: RegExp, fallback: number) => {
    const index = columns.findIndex((c) => name.test(c));
    return index >= 0 ? index : fallback;
  };
  const taskColumn = at(/task|action|item/, 0);
  const statusColumn = at(/status|state/, 1);
  const notesColumn = at(/note|comment|detail/, 2);
  const tasks: ReportTask[] = [];
  for (const row of rows) {
    const cells = splitRow(row);
    const title = stripEmoji(cells[taskColumn] ?? '');
    if (!title) continue;
    const rawStatus = cells[statusColumn] ?? '';
    const notes = cells[notesColumn]?.trim();
    tasks.push({
      title,
      status: stripEmoji(rawStatus) || 'unknown',
      state: taskState(rawStatus),
      ...(notes ? { notes } : {}),
    });
  }
  return tasks;
}

function parseActionSections(lines: readonly string[], headings: readonly Heading[]): ReportTask[] {
  const tasks: ReportTask[] = [];
  for (const heading of headings) {
    const match = /^(\d+)\.\s+(.+)$/.exec(heading.text);
    if (!match?.[2] || heading.level < 2) continue;
    const body = sectionLines(lines, headings, heading);
    const status = fieldValue(body, 'Status');
    const written = `${status ?? ''} ${heading.text}`;
    tasks.push({
      title: stripEmoji(match[2]),
      status: status ? stripEmoji(status) : 'unknown',
      state: status ? taskState(written) : taskState(heading.text),
    });
  }
  return tasks;
}

function parseIssues(
  lines: readonly string[],
  headings: readonly Heading[],
  warnings: string[],
): DocumentedIssue[] {
  const section = headings.find((h) => /documented issues|issues for (manual )?creation/i.test(h.text));
  if (!section) {
    warnings.push('no "Documented Issues" section found');
    return [];
  }
  const issueHeadings = headings.filter(
    (h) =>
      h.line > section.line &&
      h.level > section.level &&
      /^issue\b/i.test(h.text) &&
      !headings.some((o) => o.line > section.line && o.line < h.line && o.level <= section.level),
  );
  if (issueHeadings.length === 0)
    warnings.push('the "Documented Issues" section lists no "### Issue N:" headings');
  const issues: DocumentedIssue[] = [];
  const keys = new Set<string>();
  for (const heading of issueHeadings) {
    const body = sectionLines(lines, headings, heading);
    const number = /^issue\s+(\d+)/i.exec(heading.text)?.[1];
    const label = number ? `Issue ${number}` : `"${heading.text}"`;
    const title = fieldValue(body, 'Title') ?? /^issue\s*\d*\s*[:.-]\s*(.+)$/i.exec(heading.text)?.[1];
    if (!title) {
      warnings.push(`${label} has no **Title:** line; skipped`);
      continue;
    }
    let key = number ? `issue-${number}` : slug(title);
    while (keys.has(key)) key = `${key}-2`;
    keys.add(key);
    const priority = fieldValue(body, 'Priority');
    const type = fieldValue(body, 'Type');
    const description = descriptionOf(body);
    if (!description) warnings.push(`${label} has no description`);
    issues.push({
      key,
      title: stripEmoji(title),
      ...(priority ? { priority: stripEmoji(priority) } : {}),
      ...(type ? { type: stripEmoji(type) } : {}),
      description,
    });
  }
  return issues;
}

/** The fenced block after `**Description:**`, else the text after it up to the section's end. */
function descriptionOf(body: readonly string[]): string {
  const start = body.findIndex((l) => /^\s*(?:\*\*)?description:?(?:\*\*)?:?/i.test(l));
  if (start < 0) return '';
  const inline = body[start]?.replace(/^\s*(?:\*\*)?description:?(?:\*\*)?:?\s*/i, '').trim() ?? '';
  const rest = body.slice(start + 1);
  const fenceStart = rest.findIndex((l) => /^\s*(```|~~~)/.test(l));
  const firstText = rest.findIndex((l) => l.trim() !== '');
  if (fenceStart >= 0 && fenceStart === firstText && !inline) {
    const marker = /^\s*(```|~~~)/.exec(rest[fenceStart] ?? '')?.[1] ?? '```';
    const end = rest.findIndex((l, i) => i > fenceStart && l.trim().startsWith(marker));
    return rest
      .slice(fenceStart + 1, end < 0 ? rest.length : end)
      .join('\n')
      .trim();
  }
  return [inline, ...rest]
    .join('\n')
    .replace(/\n-{3,}\s*$/, '')
    .trim();
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'issue'
  );
}
