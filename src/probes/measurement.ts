// Whether a measurement can be true before it is judged, stored or shown: covered of total
// needs finite, non-negative counts with covered ≤ total; a value must be finite; test counts
// are finite whole numbers. A probe that reads an impossible figure (a script printing
// {"covered":5,"total":2}, a query pair that disagrees, 1e308/1e-320) fails with the reason
// instead of showing "OK, 250.0%" or "Infinity%".

import { type Measurement, ProbeError } from './types.js';

/** Why the measurement cannot be right, or undefined when it can. */
export function measurementProblem(measurement: Measurement): string | undefined {
  switch (measurement.kind) {
    case 'ratio': {
      const { covered, total } = measurement;
      // Number.isFinite is false for anything that is not a number.
      if (!Number.isFinite(covered)) return 'covered is not a finite number';
      if (!Number.isFinite(total)) return 'total is not a finite number';
      if (covered < 0) return `covered (${covered}) is negative`;
      if (total < 0) return `total (${total}) is negative`;
      if (covered > total) return `covered (${covered}) is greater than total (${total})`;
      return undefined;
    }
    case 'value':
      return Number.isFinite(measurement.value) ? undefined : 'value is not a finite number';
    case 'tests':
      return (
        countProblem('passed count', measurement.passedCount) ??
        countProblem('failed count', measurement.failedCount)
      );
    case 'report':
      return undefined;
  }
}

function countProblem(name: string, count: number | undefined): string | undefined {
  if (count === undefined) return undefined;
  if (!Number.isFinite(count)) return `${name} is not a finite number`;
  if (count < 0 || !Number.isInteger(count)) return `${name} (${count}) is not a whole number ≥ 0`;
  return undefined;
}

/** Throws a ProbeError naming the problem, `context` first (`printed {…}: covered (5) …`). */
export function assertPossible<M extends Measurement>(measurement: M, context?: string): M {
  const problem = measurementProblem(measurement);
  if (problem) throw new ProbeError(context ? `${context}: ${problem}` : problem);
  return measurement;
}
