// Binds `/audit` to its dispatcher and builds the subcommand table in help order.

import type { App } from '@slack/bolt';
import type { AppDeps } from '../app/deps.js';
import { COMMAND, SUBCOMMANDS, type SubcommandName } from '../kit/ids.js';
import { alertsSubcommand } from './alerts.js';
import { auditCommand } from './audit.js';
import { digestSubcommand } from './digest.js';
import { helpSubcommand } from './help.js';
import { issueSubcommand } from './issue.js';
import { refreshSubcommand } from './refresh.js';
import type { Subcommand } from './registry.js';
import { statusSubcommand } from './status.js';

export function buildSubcommands(deps: AppDeps): Map<SubcommandName, Subcommand> {
  const table = new Map<SubcommandName, Subcommand>();
  const listed = () => SUBCOMMANDS.map((name) => table.get(name)).filter((s) => s !== undefined);
  const all: Subcommand[] = [
    helpSubcommand(deps, listed),
    statusSubcommand(deps),
    refreshSubcommand(deps),
    digestSubcommand(deps),
    issueSubcommand(),
    alertsSubcommand(deps),
  ];
  for (const name of SUBCOMMANDS) {
    const subcommand = all.find((s) => s.name === name);
    if (subcommand) table.set(name, subcommand);
  }
  return table;
}

export function registerCommands(app: App, deps: AppDeps): string[] {
  app.command(COMMAND, auditCommand(deps, buildSubcommands(deps)));
  return [COMMAND];
}
