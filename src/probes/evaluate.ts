// Status of a measurement against its probe's target or bounds. Pure, so the same rules
// apply when a result is stored and when it is displayed later (a push result goes stale
// with time without being measured again).

import type { ProbeConfig } from './index.js';
import type { Measurement, ProbeResult, ProbeStatus } from './types.js';

export function ratioOf(m: { covered: number; total: number }): number | undefined {
  return m.total > 0 ? m.covered / m.total : undefined;
}

export function evaluate(
  config: ProbeConfig,
  measurement: Measurement,
): { status: ProbeStatus; reason?: string } {
  switch (measurement.kind) {
    case 'ratio': {
      const target = 'target' in config ? config.target : undefined;
      if (target === undefined) return { status: 'ok' };
      const ratio = ratioOf(measurement) ?? 0;
      return ratio >= target ? { status: 'ok' } : { status: 'below_target' };
    }
    case 'value': {
      const min = 'min' in config ? config.min : undefined;
      const max = 'max' in config ? config.max : undefined;
      if (min !== undefined && measurement.value < min)
        return { status: 'below_target', reason: `below ${min}` };
      if (max !== undefined && measurement.value > max)
        return { status: 'below_target', reason: `above ${max}` };
      return { status: 'ok' };
    }
    case 'tests':
      return measurement.passed ? { status: 'ok' } : { status: 'failing' };
    case 'report':
      return { status: 'ok' };
  }
}

/** The status to show now: the stored one, unless the result has aged past `stale_after`. */
export function currentStatus(config: ProbeConfig, result: ProbeResult, now: Date): ProbeStatus {
  const limit = config.kind === 'push' ? config.stale_after : undefined;
  if (limit === undefined || result.status === 'error') return result.status;
  const age = now.getTime() - Date.parse(result.measuredAt);
  return age > limit ? 'stale' : result.status;
}
