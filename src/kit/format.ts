// Number, time and trend formatting shared by every view: one decimal for percentages
// (`20.1%`), thousands separators for counts (`4,244`), short ages (`12 min ago`).

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimals = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

// Every formatter is total: a figure or time that cannot be read shows as such, never throws
// (a stored value from an older version or an outside system must not stop a message).

export function formatCount(n: number): string {
  return Number.isFinite(n) ? counts.format(n) : 'unknown';
}

export function formatNumber(n: number): string {
  return Number.isFinite(n) ? decimals.format(n) : 'unknown';
}

/** 0.2009 → `20.1%`. */
export function formatPercent(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)}%` : 'unknown %';
}

/** Difference of two ratios in percentage points: `+1.2 pp`, `−0.4 pp`, `±0.0 pp`. */
export function formatPointsDelta(now: number, before: number): string {
  const points = (now - before) * 100;
  if (!Number.isFinite(points)) return '';
  const rounded = Math.round(points * 10) / 10;
  if (rounded === 0) return '±0.0 pp';
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded).toFixed(1)} pp`;
}

export function formatValueDelta(now: number, before: number): string {
  const delta = now - before;
  if (!Number.isFinite(delta)) return '';
  if (delta === 0) return '±0';
  return `${delta > 0 ? '+' : '−'}${formatNumber(Math.abs(delta))}`;
}

/** `just now`, `12 min ago`, `3 h ago`, `2 d ago`. */
export function formatAge(from: Date | string, now: Date): string {
  const ms = now.getTime() - (typeof from === 'string' ? Date.parse(from) : from.getTime());
  if (!Number.isFinite(ms)) return 'unknown time';
  if (ms < 60_000) return 'just now';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** `340 ms`, `1.2 s`, `2 min 5 s`, `42 min`, `3 h 5 min`, `2 d 4 h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'an unknown time';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  if (hours === 0) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return hours % 24 === 0 ? `${Math.floor(hours / 24)} d` : `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** `2026-01-18 10:30` in the given IANA zone. */
export function formatTime(at: Date | string | undefined, timeZone: string): string {
  const date = typeof at === 'string' ? new Date(at) : at;
  if (!date || Number.isNaN(date.getTime())) return 'unknown time';
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(date);
  } catch {
    // A time zone this runtime does not know (config checks it; stored states may predate that).
    return date.toISOString().slice(0, 16).replace('T', ' ');
  }
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

const SPARKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** A sparkline of values scaled between their own minimum and maximum. */
export function sparkline(input: readonly number[]): string {
  const values = input.filter(Number.isFinite);
  if (values.length === 0) return '';
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min;
  return values
    .map((v) => SPARKS[span === 0 ? 3 : Math.round(((v - min) / span) * (SPARKS.length - 1))] ?? '▁')
    .join('');
}
