// The one place errors from listeners end up: logged with their code and counted.

import type { CodedError } from '@slack/bolt';
import type { AppDeps } from '../app/deps.js';
import { describeError } from '../kit/errors.js';
import { maskTokens } from '../kit/logger.js';

export function errorHandler(deps: Pick<AppDeps, 'logger' | 'metrics'>) {
  return async (error: CodedError): Promise<void> => {
    const code = typeof error.code === 'string' ? error.code : 'unexpected_error';
    deps.metrics.errors.inc({ code });
    // Only the message and stack: error objects from HTTP clients can carry request headers.
    deps.logger.error(
      { code, stack: error.stack ? maskTokens(error.stack) : undefined },
      maskTokens(describeError(error)),
    );
  };
}
