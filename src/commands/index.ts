// Binds `/audit` to its dispatcher and builds the subcommand table in help order.

import type { App } from '@slack/bolt';
import type { AppDeps } from '../app/deps.js';
import { COMMAND, SUBCOMMANDS, type SubcommandName } from '../kit/ids.js';
import { alertsSubcommand } from './alerts.js';
import { auditCommand } from './audit.js';
import { digestSubcommand } from './digest.js';
import { helpSubcommand } from './help.js';
import { issueSubcommand } from './issue.js';
import { issuesSubcommand } from './issues.js';
import { refreshSubcommand } from './refresh.js';
import type { Subcommand } from './registry.js';
import { statusSubcommand } from './status.js';

export function buildSubcommands(deps: AppDeps): Map<SubcommandName, Subcommand> {
  const table = new Map<SubcommandName, Subcommand>();
  for (const subcommand of [
    // Help lists them in SUBCOMMANDS order.
    helpSubcommand(deps, () => SUBCOMMANDS.flatMap((name) => table.get(name) ?? [])),
    statusSubcommand(deps),
    refreshSubcommand(deps),
    digestSubcommand(deps),
    issueSubcommand(deps),
    issuesSubcommand(deps),
    alertsSubcommand(deps),
  ])
    table.set(subcommand.name, subcommand);
  return table;
}

export function registerCommands(app: App, deps: AppDeps): string[] {
  app.command(COMMAND, auditCommand(deps, buildSubcommands(deps)));
  return [COMMAND];
}
