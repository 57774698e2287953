// The `/audit` slash command: acknowledge at once, then hand the text to its subcommand.

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { AppDeps } from '../app/deps.js';
import { AuditBotError } from '../kit/errors.js';
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
    await ack();
    // The answer follows through response_url. Requests already waiting are acknowledged first:
    // under load, rendering and posting this answer would otherwise hold up their acks.
    await yieldToEventLoop();
    const parsed = parseCommandText(command.text, names);
    if (parsed.kind === 'unknown') {
      deps.metrics.commands.inc({ subcommand: 'unknown' });
      await respond({
        response_type: 'ephemeral',
        ...unknownSubcommandMessage(parsed.word, parsed.suggestion),
      });
      return;
    }
    deps.metrics.commands.inc({ subcommand: parsed.name });
    const subcommand = subcommands.get(parsed.name);
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
