// Creates silences in Alertmanager through its v2 API (POST /api/v2/silences).

import { z } from 'zod';
import { AuditBotError } from '../errors.js';

const answerSchema = z.object({ silenceID: z.string() });

export interface SilenceRequest {
  readonly matchers: Readonly<Record<string, string>>;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly createdBy: string;
  readonly comment: string;
}

export async function createSilence(
  baseUrl: string,
  request: SilenceRequest,
  fetchImpl: typeof fetch = fetch,
): Promise<string> {
  const matchers = Object.entries(request.matchers).map(([name, value]) => ({
    name,
    value,
    isRegex: false,
    isEqual: true,
  }));
  if (matchers.length === 0)
    throw new AuditBotError('alertmanager_failed', 'the alert group has no labels to silence by');
  let response: Response;
  try {
    response = await fetchImpl(`${baseUrl}/api/v2/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        matchers,
        startsAt: request.startsAt.toISOString(),
        endsAt: request.endsAt.toISOString(),
        createdBy: request.createdBy,
        comment: request.comment,
      }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new AuditBotError('alertmanager_failed', `Alertmanager is not reachable at ${baseUrl}`, {
      cause: error,
    });
  }
  const text = await response.text();
  if (!response.ok)
    throw new AuditBotError(
      'alertmanager_failed',
      `Alertmanager refused the silence (HTTP ${response.status}: ${text.slice(0, 200)})`,
    );
  const parsed = answerSchema.safeParse(JSON.parse(text || '{}'));
  if (!parsed.success)
    throw new AuditBotError('alertmanager_failed', 'Alertmanager answered the silence request unexpectedly');
  return parsed.data.silenceID;
}
