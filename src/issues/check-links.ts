// The checks an issue may track, and which one it tracks when nobody said: an audit report's
// documented issues carry only a title ("[AUDIT] Fingerprint coverage at 20.1% - below 80%
// threshold"). A check's `issue_match` (a regular expression) decides first; otherwise the check
// whose title's words mostly appear in the issue's title, when exactly one check stands out.

import type { Config } from '../config/index.js';

/** A check an issue may track: a configured probe. */
export interface Check {
  readonly id: string;
  readonly title: string;
  /** probes[].issue_match: report issues whose title it matches track this check. */
  readonly issue_match?: string | undefined;
}

/** The checks an issue may track: every configured probe. */
export function checksOf(config: { readonly probes: readonly Config['probes'][number][] }): Check[] {
  return config.probes.map((p) => ({ id: p.id, title: p.title ?? p.id, issue_match: p.issue_match }));
}

/** Share of a check title's words an issue title must contain to be linked by the default rule. */
const MIN_WORD_SHARE = 2 / 3;

/** Words that tell checks apart: lower case, three letters or more, outside parentheses. */
function words(text: string): string[] {
  return text
    .replace(/\([^)]*\)/g, ' ')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3);
}

export function linkedCheck(issueTitle: string, checks: readonly Check[]): string | undefined {
  const explicit = checks.filter((c) => c.issue_match && new RegExp(c.issue_match, 'i').test(issueTitle));
  if (explicit.length > 0) return explicit.length === 1 ? explicit[0]?.id : undefined;
  const inTitle = new Set(words(issueTitle));
  const scored = checks
    .map((check) => {
      const own = words(check.title);
      const share = own.length === 0 ? 0 : own.filter((w) => inTitle.has(w)).length / own.length;
      return { id: check.id, share };
    })
    .filter((c) => c.share >= MIN_WORD_SHARE)
    .sort((a, b) => b.share - a.share);
  const [best, second] = scored;
  // Two checks matching as well: no link rather than the wrong one.
  return best && (!second || second.share < best.share) ? best.id : undefined;
}
