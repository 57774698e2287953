// When a digest is due: the slots of its cron expression in a time zone, and the spacing of a
// probe's refresh schedule (a digest waits for stale figures only when they refresh rarely).

import { createTask } from 'node-cron';

/** Milliseconds between two consecutive runs of a cron expression. */
export function refreshIntervalMs(cron: string, timezone: string): number {
  const task = createTask(cron, () => {}, { timezone });
  try {
    const [a, b] = task.getNextRuns(2);
    return a && b ? b.getTime() - a.getTime() : Number.POSITIVE_INFINITY;
  } finally {
    void task.destroy();
  }
}

/** Slots of `cron` in [from, to], oldest first; seconds resolution for 6-field expressions. */
export function slotsBetween(cron: string, timezone: string, from: Date, to: Date): Date[] {
  const task = createTask(cron, () => {}, { timezone });
  try {
    const withSeconds = cron.trim().split(/\s+/).length === 6;
    const step = withSeconds ? 1000 : 60_000;
    const slots: Date[] = [];
    for (let t = Math.ceil(from.getTime() / step) * step; t <= to.getTime(); t += step) {
      const date = new Date(t);
      if (task.match(date)) slots.push(date);
    }
    return slots;
  } finally {
    void task.destroy();
  }
}
