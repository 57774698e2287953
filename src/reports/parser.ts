// Parses a markdown audit report (see examples/plans/) into its tasks and the issues it
// documents for Notion. Pure and forgiving: any input gives a result, and whatever could
// not be understood is reported as a warning instead of an exception.
//
// Linear time whatever the input: a report is outside input, and synchronous parsing that
// backtracks (a heading of 4,000 spaces once took 23 s) would freeze the event loop where no
// timeout can interrupt it. Lines are cut at MAX_LINE_CHARS, headings, fields and table
// separators are read by hand-written scans, the remaining regular expressions have no
// ambiguous adjacent repetitions, and sections are found in one pass over the headings.

import type { DocumentedIssue, ReportTask } from './types.js';

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
  /** The line where its section ends: the next heading of the same or a higher level. */
  readonly end: number;
}

/** Longer lines are cut (with a warning): no report line needs more, and scans stay bounded. */
export const MAX_LINE_CHARS = 8192;

const EMOJI = /[\u{2300}-\u{23FF}\u{1F300}-\u{1FAFF}\u{2600}-\u{27BF}\u{2B00}-\u{2BFF}]|\u{FE0F}|\u{200D}/gu;

export function parseAuditReport(markdown: string, file: string): ParsedReport {
  const warnings: string[] = [];
  const lines = String(markdown ?? '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line, index) => {
      if (line.length <= MAX_LINE_CHARS) return line;
      warnings.push(
        `line ${index + 1} is ${line.length.toLocaleString('en-US')} characters long; only its first ${MAX_LINE_CHARS.toLocaleString('en-US')} are read`,
      );
      return line.slice(0, MAX_LINE_CHARS);
    });
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
  const found: Array<Omit<Heading, 'end'>> = [];
  let inFence = false;
  lines.forEach((raw, index) => {
    if (isFence(raw)) inFence = !inFence;
    if (inFence) return;
    const heading = parseHeadingLine(raw);
    if (heading) found.push({ ...heading, line: index });
  });
  // Section ends in one pass: a heading closes every open one of its level or deeper.
  const ends = new Array<number>(found.length).fill(lines.length);
  const open: number[] = [];
  found.forEach((heading, i) => {
    while (open.length > 0 && (found[open.at(-1) as number]?.level ?? 0) >= heading.level)
      ends[open.pop() as number] = heading.line;
    open.push(i);
  });
  return found.map((heading, i) => ({ ...heading, end: ends[i] ?? lines.length }));
}

const isSpace = (ch: string | undefined) => ch !== undefined && ch.trim() === '';

/**
 * An ATX heading at the start of a line: 1–6 `#`, whitespace, the text; a closing run of `#`
 * is dropped when whitespace precedes it (CommonMark), so "Fix C#" keeps its `#`.
 */
export function parseHeadingLine(raw: string): { level: number; text: string } | undefined {
  let level = 0;
  while (raw[level] === '#') level += 1;
  if (level < 1 || level > 6 || !isSpace(raw[level])) return undefined;
  let text = raw.slice(level).trim();
  let cut = text.length;
  while (cut > 0 && text[cut - 1] === '#') cut -= 1;
  if (cut === 0) text = '';
  else if (cut < text.length && isSpace(text[cut - 1])) text = text.slice(0, cut).trimEnd();
  return { level, text };
}

/** A fence line: optional indentation, then ``` or ~~~. */
function isFence(line: string): boolean {
  const rest = line.trimStart();
  return rest.startsWith('```') || rest.startsWith('~~~');
}

function stripEmoji(text: string): string {
  return text.replace(EMOJI, '').replace(/\s+/g, ' ').trim();
}

/** `**Name:** value`, `- Name: value` or `Name value` at the start of a line (any case). */
function fieldValue(lines: readonly string[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const line of lines) {
    const value = fieldOfLine(line, lower);
    if (value) return value;
  }
  return undefined;
}

/** The value of field `lower` on this line: a scan, where a pattern would backtrack on padding. */
function fieldOfLine(line: string, lower: string): string | undefined {
  const start = line.trimStart();
  // An optional list marker: `- ` or `* `, but `**` may also open the bold name.
  const candidates = [start];
  if (start[0] === '-' || start[0] === '*') candidates.push(start.slice(1).trimStart());
  for (const candidate of candidates) {
    for (const named of [candidate, candidate.startsWith('**') ? candidate.slice(2) : undefined]) {
      if (named === undefined || named.slice(0, lower.length).toLowerCase() !== lower) continue;
      let rest = named.slice(lower.length);
      // The name ends here: "Types:" is not the field "Type".
      if (rest !== '' && rest[0] !== ':' && rest[0] !== '*' && !isSpace(rest[0])) continue;
      if (rest.startsWith(':')) rest = rest.slice(1);
      if (rest.startsWith('**')) rest = rest.slice(2);
      if (rest.startsWith(':')) rest = rest.slice(1);
      let value = rest.trim();
      if (value.startsWith('**')) value = value.slice(2).trim();
      if (value) return value;
    }
  }
  return undefined;
}

function toIso(text: string): string | undefined {
  const match = /(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)\s*(UTC|Z)?/.exec(text);
  if (match?.[1]) {
    const time = match[2]?.length === 5 ? `${match[2]}:00` : match[2];
    return validDate(match[1], new Date(`${match[1]}T${time}Z`));
  }
  const dateOnly = /(\d{4}-\d{2}-\d{2})/.exec(text);
  return dateOnly?.[1] ? validDate(dateOnly[1], new Date(`${dateOnly[1]}T00:00:00Z`)) : undefined;
}

/** The time, unless the written day does not exist (2026-13-45, 2026-02-31): no date, not another day. */
function validDate(day: string, date: Date): string | undefined {
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day
    ? undefined
    : date.toISOString();
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

/** A table's separator row: `|---|`, `| :--- |`, `---|---`. */
function isSeparatorRow(line: string): boolean {
  let rest = line.trimStart();
  if (rest.startsWith('|')) rest = rest.slice(1).trimStart();
  if (rest.startsWith(':')) rest = rest.slice(1);
  return rest.startsWith('---');
}

function parseStatusTable(lines: readonly string[], headings: readonly Heading[]): ReportTask[] {
  const heading = headings.find((h) => /overall status/i.test(h.text));
  if (!heading) return [];
  const body = lines.slice(heading.line + 1, heading.end).filter((l) => l.trim().startsWith('|'));
  const [head, separator, ...rows] = body;
  if (!head || !separator || !isSeparatorRow(separator)) return [];
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
    const body = lines.slice(heading.line + 1, heading.end);
    const status = fieldValue(body, 'Status');
    tasks.push({
      title: stripEmoji(match[2]),
      status: status ? stripEmoji(status) : 'unknown',
      state: taskState(status ? `${status} ${heading.text}` : heading.text),
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
    (h) => h.line > section.line && h.line < section.end && /^issue\b/i.test(h.text),
  );
  if (issueHeadings.length === 0)
    warnings.push('the "Documented Issues" section lists no "### Issue N:" headings');
  const issues: DocumentedIssue[] = [];
  const keys = new Set<string>();
  for (const heading of issueHeadings) {
    const body = lines.slice(heading.line + 1, heading.end);
    const number = /^issue\s+(\d+)/i.exec(heading.text)?.[1];
    const label = number ? `Issue ${number}` : `"${heading.text}"`;
    const title = fieldValue(body, 'Title') ?? titleInHeading(heading.text);
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

/** `Issue 3: Title` → `Title` (also `Issue - Title`, `Issue 3. Title`). */
function titleInHeading(text: string): string | undefined {
  // `\s*(?:\d+\s*)?`: the two runs of spaces are separated by digits, so nothing backtracks.
  return /^issue\s*(?:\d+\s*)?[:.-](.*)$/i.exec(text)?.[1]?.trim() || undefined;
}

/** The fenced block after `**Description:**`, else the text after it up to the section's end. */
function descriptionOf(body: readonly string[]): string {
  const start = body.findIndex((l) => /^\s*(?:\*\*)?description:?(?:\*\*)?:?/i.test(l));
  if (start < 0) return '';
  const inline = body[start]?.replace(/^\s*(?:\*\*)?description:?(?:\*\*)?:?\s*/i, '').trim() ?? '';
  const rest = body.slice(start + 1);
  const fenceStart = rest.findIndex(isFence);
  const firstText = rest.findIndex((l) => l.trim() !== '');
  if (fenceStart >= 0 && fenceStart === firstText && !inline) {
    const marker = (rest[fenceStart] ?? '').trimStart().slice(0, 3);
    const end = rest.findIndex((l, i) => i > fenceStart && l.trim().startsWith(marker));
    return rest
      .slice(fenceStart + 1, end < 0 ? rest.length : end)
      .join('\n')
      .trim();
  }
  return withoutTrailingRule([inline, ...rest].join('\n').trim());
}

/** Drops a closing `---` rule (the report separates issues with them). */
function withoutTrailingRule(text: string): string {
  const lastLine = text.slice(text.lastIndexOf('\n') + 1);
  const isRule = lastLine.length >= 3 && [...lastLine].every((ch) => ch === '-');
  return isRule && text.includes('\n') ? text.slice(0, text.lastIndexOf('\n')).trim() : text;
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
