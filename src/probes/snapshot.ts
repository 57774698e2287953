// Collects what the status views show from the store: latest result, the figure a day ago,
// recent history. Only indexed reads, so `/audit status` answers fast however slow sources are.

import { currentStatus, ratioOf } from './evaluate.js';
import type { ProbeConfig } from './index.js';
import type { ProbeResults } from './results-store.js';
import type { ProbeRunner } from './runner.js';
import type { Measurement, Probe, ProbeResult, ProbeStatus, ReportTask } from './types.js';

export type DisplayStatus = ProbeStatus | 'never';

/** The probe's id, title and sources (sourceDetail for approvers only), with what the store says. */
export interface ProbeSnapshot extends Pick<Probe, 'id' | 'title' | 'source' | 'sourceDetail'> {
  readonly config: ProbeConfig;
  readonly status: DisplayStatus;
  readonly latest: ProbeResult | undefined;
  /** The newest measured result at least a day older than the latest one, for the trend. */
  readonly dayBefore: ProbeResult | undefined;
  readonly running: boolean;
  /** Recent figures (ratio or value), oldest first, for sparklines. */
  readonly history: readonly number[];
}

export interface ReportSnapshot {
  readonly probeId: string;
  readonly file: string;
  readonly openTasks: readonly ReportTask[];
  readonly issueCount: number;
}

export interface StatusSnapshot {
  readonly probes: readonly ProbeSnapshot[];
  readonly report: ReportSnapshot | undefined;
  readonly now: Date;
  readonly timezone: string;
}

const DAY_MS = 24 * 3_600_000;

/** The number a measurement is charted by: a ratio, a value, or none. */
export function figureOf(measurement: Measurement | undefined): number | undefined {
  if (measurement?.kind === 'ratio') return ratioOf(measurement);
  if (measurement?.kind === 'value') return measurement.value;
  return undefined;
}

export const OPEN_TASK_STATES: ReadonlySet<ReportTask['state']> = new Set([
  'pending',
  'in_progress',
  'blocked',
  'unknown',
]);

export function takeSnapshot(
  runner: ProbeRunner,
  results: ProbeResults,
  options: { now: Date; timezone: string; only?: readonly string[]; historyLength?: number },
): StatusSnapshot {
  const ids = options.only ?? runner.ids;
  const probes: ProbeSnapshot[] = [];
  let report: ReportSnapshot | undefined;
  for (const id of ids) {
    const config = runner.config(id);
    const probe = runner.probe(id);
    if (!config || !probe) continue;
    const latest = results.latest(id);
    const measured = results.latestMeasured(id);
    const dayBefore = measured
      ? results.latestMeasured(id, new Date(Date.parse(measured.measuredAt) - DAY_MS).toISOString())
      : undefined;
    const history = results
      .history(id, options.historyLength)
      .map((r) => figureOf(r.measurement))
      .filter((v) => v !== undefined);
    probes.push({
      id,
      title: probe.title,
      config,
      source: probe.source,
      ...(probe.sourceDetail ? { sourceDetail: probe.sourceDetail } : {}),
      status: latest ? currentStatus(config, latest, options.now) : 'never',
      latest,
      dayBefore,
      running: runner.isRunning(id),
      history,
    });
    const m = measured?.measurement;
    if (!report && m?.kind === 'report') {
      report = {
        probeId: id,
        file: m.file,
        openTasks: m.tasks.filter((t) => OPEN_TASK_STATES.has(t.state)),
        issueCount: m.issues.length,
      };
    }
  }
  return { probes, report, now: options.now, timezone: options.timezone };
}
