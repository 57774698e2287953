// The `/audit` slash command: acknowledge at once — with the answer itself when a subcommand has
// it ready in memory — else hand the text to its subcommand, which answers through response_url.

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { AppDeps } from '../app/deps.js';
import { AuditBotError, describeError } from '../kit/errors.js';
import type { SubcommandName } from '../kit/ids.js';
import { failureMessage, unknownSubcommandMessage } from '../kit/notice.js';
import { permitted } from '../kit/permissions.js';
import { parseCommandText, type Subcommand } from './registry.js';

export type AuditCommandArgs = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

export function auditCommand(
  deps: Pick<AppDeps, 'metrics' | 'permissions' | 'logger'>,
  subcommands: ReadonlyMap<SubcommandName, Subcommand>,
) {
  const names = [...subcommands.keys()];
  return async ({ command, ack, respond, client }: AuditCommandArgs): Promise<void> => {
    const parsed = parseCommandText(command.text, names);
    const subcommand = parsed.kind === 'found' ? subcommands.get(parsed.name) : undefined;
    if (parsed.kind === 'found' && subcommand && !subcommand.permission) {
      const atOnce = answeredAtOnce(subcommand, parsed.args, deps.logger);
      if (atOnce) {
        await ack(atOnce);
        deps.metrics.commands.inc({ subcommand: parsed.name });
        return;
      }
    }
    await ack();
    // The answer follows through response_url. Requests already waiting are acknowledged first:
    // under load, rendering and posting this answer would otherwise hold up their acks.
    await yieldToEventLoop();
    if (parsed.kind === 'unknown') {
      deps.metrics.commands.inc({ subcommand: 'unknown' });
      await respond({
        response_type: 'ephemeral',
        ...unknownSubcommandMessage(parsed.word, parsed.suggestion),
      });
      return;
    }
    deps.metrics.commands.inc({ subcommand: parsed.name });
    if (!subcommand) return;
    const what = `\`/audit ${parsed.name}\``;
    const { permission } = subcommand;
    if (permission && !(await permitted(deps, { permission, userId: command.user_id, what, respond })))
      return;
    try {
      await subcommand.run({
        args: parsed.args,
        userId: command.user_id,
        channelId: command.channel_id,
        triggerId: command.trigger_id,
        respond,
        client,
      });
    } catch (error) {
      // Tell the user their command failed; the error itself goes on to app.error for logging.
      const code = error instanceof AuditBotError ? error.code : 'unexpected_error';
      await respond({ response_type: 'ephemeral', ...failureMessage(what, code) }).catch(() => {});
      throw error;
    }
  };
}

/** The subcommand's ready answer; a failure to build it falls back to the usual way, logged. */
function answeredAtOnce(subcommand: Subcommand, args: string, logger: AppDeps['logger']) {
  try {
    return subcommand.answerAtOnce?.(args);
  } catch (error) {
    logger.warn(`/audit ${subcommand.name}: no answer at once (${describeError(error)}); answering later`);
    return undefined;
  }
}
