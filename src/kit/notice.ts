// Short one-section answers: unknown subcommands, features not configured yet, failures.

import { context, escapeMrkdwn, type MessageContent, section } from './blocks.js';
import { COMMAND } from './ids.js';

export function unknownSubcommandMessage(word: string, suggestion: string | undefined): MessageContent {
  const asked = `\`${COMMAND} ${escapeMrkdwn(word)}\``;
  const text = suggestion
    ? `${asked} is not a command. Did you mean \`${COMMAND} ${suggestion}\`?`
    : `${asked} is not a command. Try \`${COMMAND} help\` for the list.`;
  return { text: text.replaceAll('`', ''), blocks: [section(`:grey_question: ${text}`)] };
}

/** `sentence` says what is missing ("Checks are not configured yet."); `hint` says what to do. */
export function notConfiguredMessage(sentence: string, hint: string): MessageContent {
  return {
    text: sentence,
    blocks: [section(`:hourglass_flowing_sand: ${escapeMrkdwn(sentence)}`), context(escapeMrkdwn(hint))],
  };
}

/** Told to a user when their request failed in a way they cannot fix; the details are logged. */
export function failureMessage(what: string, code: string): MessageContent {
  const text = `Sorry, ${what} failed (${code}). It has been logged; try again in a moment.`;
  return { text, blocks: [section(`:x: ${escapeMrkdwn(text)}`)] };
}

/** A private answer to a button press that leaves the message it was pressed on as it is. */
export function privateNote(text: string) {
  return { response_type: 'ephemeral' as const, replace_original: false, text, blocks: [section(text)] };
}

/** Told privately to someone who may not do something, naming the missing permission. */
export function permissionDenied(permission: string, what: string): MessageContent {
  const text = `You may not use ${what}: it needs the \`${permission}\` permission (slack.permissions in audit-bot.yml; approvers have it unless that list says otherwise).`;
  return { text: text.replaceAll('`', ''), blocks: [section(`:no_entry: ${text}`)] };
}
