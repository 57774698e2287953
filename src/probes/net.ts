// Reading what outside systems answer: why a fetch failed, in a few words (ECONNREFUSED,
// ENOTFOUND, "bad port"), for probe errors; text that may not be JSON.

export function networkReason(error: unknown): string {
  const cause = (
    error as { cause?: { code?: unknown; message?: unknown; errors?: Array<{ code?: unknown }> } }
  ).cause;
  if (typeof cause?.code === 'string') return cause.code;
  const nested = cause?.errors?.find((e) => typeof e.code === 'string')?.code;
  if (typeof nested === 'string') return nested;
  if (typeof cause?.message === 'string' && cause.message) return cause.message;
  return 'network error';
}

/** `text` parsed as JSON, or undefined when it is not JSON (JSON.parse never returns undefined). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
