// `http-json` probes: GET a JSON document and read one number at a dotted path
// (`latency.p95`). Time and size are bounded so a stuck or huge answer cannot hurt the bot.

import { z } from 'zod';
import { httpUrl } from '../kit/schemas.js';
import { checkBounds, defineProbeKind, probeBase, valueBounds } from './kind.js';
import { networkReason, parseJson, readBounded } from './net.js';
import { type Measurement, type Probe, ProbeError, probeIdentity } from './types.js';

const httpJsonProbeSchema = z
  .strictObject({
    ...probeBase,
    ...valueBounds,
    kind: z.literal('http-json'),
    url: httpUrl,
    value: z
      .string()
      .regex(/^[^.\s]+(\.[^.\s]+)*$/, { message: 'must be a dotted path such as latency.p95' }),
  })
  .superRefine(checkBounds);
type HttpJsonProbeConfig = z.output<typeof httpJsonProbeSchema>;

export const httpJsonKind = defineProbeKind({
  kind: 'http-json',
  schema: httpJsonProbeSchema,
  defaultTimeoutMs: 15_000,
  defaultRefresh: '*/5 * * * *',
  create: (probe) => createHttpJsonProbe(probe),
});

export const HTTP_JSON_MAX_BYTES = 1024 * 1024;

export function createHttpJsonProbe(config: HttpJsonProbeConfig): Probe {
  return {
    ...probeIdentity(config),
    source: `GET ${config.url} → ${config.value}`,
    async run({ signal }): Promise<Measurement> {
      let response: Response;
      try {
        response = await fetch(config.url, { signal, headers: { accept: 'application/json' } });
      } catch (error) {
        if (signal.aborted) throw new ProbeError('no answer before the timeout');
        throw new ProbeError(`${config.url} is not reachable (${networkReason(error)})`);
      }
      if (!response.ok) throw new ProbeError(`${config.url} answered HTTP ${response.status}`);
      const text = await readBounded(response, HTTP_JSON_MAX_BYTES);
      const document = parseJson(text);
      if (document === undefined) throw new ProbeError(`${config.url} did not answer JSON`);
      const value = readPath(document, config.value);
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isFinite(number))
        throw new ProbeError(`no number at "${config.value}" in the answer of ${config.url}`);
      return { kind: 'value', value: number };
    },
  };
}

/** `a.b.0.c` into nested objects and arrays; undefined when any step is missing. */
export function readPath(document: unknown, dotted: string): unknown {
  let current: unknown = document;
  for (const step of dotted.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}
