import { describe, expect, it } from 'vitest';
import { refreshIntervalMs, slotsBetween } from '../../src/digests/slots.js';

describe('digest slots', () => {
  it('lists the slots of a weekday schedule in its time zone, oldest first, both ends included', () => {
    // 07:00 UTC is 08:00 in Berlin in January; Saturday and Sunday have no slot.
    const slots = slotsBetween(
      '0 8 * * 1-5',
      'Europe/Berlin',
      new Date('2026-01-15T07:00:00Z'),
      new Date('2026-01-19T07:00:00Z'),
    );
    expect(slots.map((d) => d.toISOString())).toEqual([
      '2026-01-15T07:00:00.000Z',
      '2026-01-16T07:00:00.000Z',
      '2026-01-19T07:00:00.000Z',
    ]);
  });

  it('reads six fields as seconds first', () => {
    const slots = slotsBetween(
      '*/20 * * * * *',
      'UTC',
      new Date('2026-01-15T07:00:00Z'),
      new Date('2026-01-15T07:01:00Z'),
    );
    expect(slots.map((d) => d.toISOString().slice(11, 19))).toEqual([
      '07:00:00',
      '07:00:20',
      '07:00:40',
      '07:01:00',
    ]);
  });

  it('measures the spacing of a refresh schedule', () => {
    expect(refreshIntervalMs('*/30 * * * *', 'UTC')).toBe(30 * 60_000);
    expect(refreshIntervalMs('0 8 * * *', 'Europe/Berlin')).toBe(24 * 3_600_000);
  });
});
