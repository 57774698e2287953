// Creates silences through Alertmanager's v2 API (POST /api/v2/silences), and through the same
// API that Grafana serves for its own alerts (POST /api/alertmanager/grafana/api/v2/silences,
// with a service account token). Credentials travel in the Authorization header, never in a URL.

import { z } from 'zod';
import type { Env } from '../config/index.js';
import { AuditBotError } from '../kit/errors.js';

const answerSchema = z.object({ silenceID: z.string().min(1).max(200) });

/** One place silences can be created. */
export interface SilenceApi {
  /** Shown to people: "Alertmanager" or "Grafana". */
  readonly name: string;
  readonly baseUrl: string;
  /** Path of the v2 silences endpoint below baseUrl. */
  readonly path: string;
  readonly authorization?: string;
}

export interface SilenceApis {
  readonly alertmanager?: SilenceApi;
  readonly grafana?: SilenceApi;
}

/** Grafana's Alertmanager-compatible API for its own (Grafana-managed) alerts. */
export const GRAFANA_SILENCES_PATH = '/api/alertmanager/grafana/api/v2/silences';

export function silenceApis(
  env: Pick<Env, 'alertmanagerUrl' | 'alertmanagerAuthorization' | 'grafana'>,
): SilenceApis {
  const apis: { alertmanager?: SilenceApi; grafana?: SilenceApi } = {};
  if (env.alertmanagerUrl)
    apis.alertmanager = {
      name: 'Alertmanager',
      baseUrl: env.alertmanagerUrl,
      path: '/api/v2/silences',
      ...(env.alertmanagerAuthorization ? { authorization: env.alertmanagerAuthorization } : {}),
    };
  if (env.grafana)
    apis.grafana = {
      name: 'Grafana',
      baseUrl: env.grafana.url,
      path: GRAFANA_SILENCES_PATH,
      authorization: `Bearer ${env.grafana.token}`,
    };
  return apis;
}

export interface SilenceRequest {
  readonly matchers: Readonly<Record<string, string>>;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly createdBy: string;
  readonly comment: string;
}

export async function createSilence(
  api: SilenceApi,
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
    response = await fetchImpl(`${api.baseUrl}${api.path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(api.authorization ? { authorization: api.authorization } : {}),
      },
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
    throw new AuditBotError('alertmanager_failed', `${api.name} is not reachable at ${api.baseUrl}`, {
      cause: error,
    });
  }
  const text = await response.text();
  if (response.status === 401 || response.status === 403)
    throw new AuditBotError(
      'alertmanager_failed',
      `${api.name} refused the credentials (HTTP ${response.status}); check ${api.name === 'Grafana' ? 'GRAFANA_TOKEN' : 'ALERTMANAGER_AUTHORIZATION'}`,
    );
  if (!response.ok)
    throw new AuditBotError(
      'alertmanager_failed',
      `${api.name} refused the silence (HTTP ${response.status}: ${text.slice(0, 200)})`,
    );
  try {
    return answerSchema.parse(JSON.parse(text || '{}')).silenceID;
  } catch {
    throw new AuditBotError('alertmanager_failed', `${api.name} answered the silence request unexpectedly`);
  }
}
