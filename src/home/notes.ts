// What is not configured yet, said where people look: under help and on the Home tab.

import type { Features } from '../kit/features.js';

/** One line per missing piece of configuration, shown under help and on the Home tab. */
export function configurationNotes(deps: {
  readonly config: { readonly probes: readonly unknown[] };
  readonly features: Features;
}): string[] {
  const notes: string[] = [];
  if (deps.config.probes.length === 0)
    notes.push('No checks are configured: add `probes:` to audit-bot.yml.');
  if (!deps.features.notion)
    notes.push('Notion is not connected (NOTION_TOKEN unset): issues stay local drafts.');
  if (!deps.features.webhooks)
    notes.push('Alert and probe webhooks are off until AUDIT_BOT_WEBHOOK_TOKEN is set.');
  return notes;
}
