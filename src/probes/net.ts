// Why a fetch failed, in a few words (ECONNREFUSED, ENOTFOUND, "bad port"), for probe errors.

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
