// A proposal for a check below its target ("Propose issue" under a digest line): one a day per
// check, titled and described from the check's latest figure.

import type { ProbeResults } from '../probes/results-store.js';
import type { ProbeRunner } from '../probes/runner.js';
import { takeSnapshot } from '../probes/snapshot.js';
import { formatFigure, formatTarget } from '../status/blocks.js';
import type { NewProposal } from './proposals.js';

/** The proposal for check `probeId` asked for by `userId`; undefined while it has no figure. */
export function proposalForProbe(
  deps: { runner: ProbeRunner; results: ProbeResults; timezone: string; now: Date },
  probeId: string,
  userId: string,
): NewProposal | undefined {
  const { now, timezone } = deps;
  const probe = takeSnapshot(deps.runner, deps.results, { now, timezone, only: [probeId] }).probes[0];
  if (!probe?.latest) return undefined;
  const figure = formatFigure(probe.latest.measurement);
  const target = formatTarget(probe);
  const day = now.toISOString().slice(0, 10);
  return {
    sourceKey: `probe:${probe.id}:${day}`,
    probeId: probe.id,
    title: `[AUDIT] ${probe.title} at ${figure.split(' (')[0]}${target ? ` - ${target.replace('target ', 'below ')}` : ''}`,
    priority: 'Medium',
    type: 'Internal Issue',
    description: [
      `Proposed from the audit digest by <@${userId}> on ${day}.`,
      '',
      `Current state: ${figure}${target ? ` (${target})` : ''}`,
      `Source: ${probe.source}`,
    ].join('\n'),
  };
}
