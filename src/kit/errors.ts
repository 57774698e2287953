// The bot's own error type. Every error the bot raises on purpose carries a stable `code`
// so the single error handler, metrics and tests can tell errors apart without parsing text.

export type ErrorCode =
  | 'config_invalid'
  | 'store_unavailable'
  | 'store_migration_failed'
  | 'slack_auth_failed'
  | 'port_in_use'
  | 'startup_failed'
  | 'alertmanager_failed';

export class AuditBotError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditBotError';
    this.code = code;
  }
}

/** A configuration that cannot be used; `problems` has one line per bad key. */
export class ConfigError extends AuditBotError {
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[], options?: { cause?: unknown }) {
    super('config_invalid', `${source}: ${problems.length} problem(s)\n${problems.join('\n')}`, options);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** A one-line description of any thrown value, for logs and user messages. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
