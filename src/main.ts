// Entry point: read the environment and config, start the bot, stop cleanly on SIGTERM/SIGINT.
// Every start-up failure ends as one clear line on stderr and a non-zero exit code
// (2 for configuration problems), never as a stack trace.

import { loadConfigFile, loadEnv, resolveConfigPath, secretValues } from './config/index.js';
import { AuditBotError, ConfigError, describeError } from './kit/errors.js';
import { createLogger, maskTokens } from './kit/logger.js';
import { SecretMasker } from './kit/secrets.js';
import { startBot } from './runtime.js';

const EXIT_CONFIG = 2;
const EXIT_FAILURE = 1;

/** Known secret values once the environment is read, for the last lines before an exit. */
let secrets: SecretMasker | undefined;

function fail(lines: readonly string[], code: number): never {
  for (const line of lines) process.stderr.write(`audit-bot: ${maskTokens(secrets?.mask(line) ?? line)}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let env: ReturnType<typeof loadEnv>;
  let config: ReturnType<typeof loadConfigFile>;
  try {
    env = loadEnv(process.env);
    config = loadConfigFile(resolveConfigPath(env.configPath));
  } catch (error) {
    if (error instanceof ConfigError) fail(error.problems, EXIT_CONFIG);
    throw error;
  }

  const shell = env.transport.kind === 'shell';
  secrets = new SecretMasker(secretValues(env));
  const logger = createLogger({ level: env.logLevel, pretty: shell, secrets });

  let bot: Awaited<ReturnType<typeof startBot>>;
  try {
    bot = await startBot({ env, config, logger });
  } catch (error) {
    fail(
      [error instanceof AuditBotError ? error.message : `could not start: ${describeError(error)}`],
      EXIT_FAILURE,
    );
  }

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) fail([`${signal} again: exiting without waiting`], EXIT_FAILURE);
    logger.info(`${signal}: finishing work in flight, then stopping`);
    bot.stop().then(
      () => process.exit(0),
      (error: unknown) => fail([`stopping failed: ${describeError(error)}`], EXIT_FAILURE),
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  if (bot.finished) {
    // Shell mode: end of input ends the session.
    await bot.finished;
    await bot.stop();
    process.exit(0);
  }
}

process.on('unhandledRejection', (reason) => {
  fail([`unexpected error: ${describeError(reason)}`], EXIT_FAILURE);
});

main().catch((error: unknown) => fail([`could not start: ${describeError(error)}`], EXIT_FAILURE));
