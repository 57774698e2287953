// How a problem in the environment or the config file reads: one line per issue, naming the key
// path (`probes[2].target: must be between 0 and 1`). Schemas word their own messages where
// they know better; `readableIssue` (zod's error customisation) words the rest from the issue's
// own fields. Values are never echoed, except where a schema chooses to (durations in the
// config file): environment values may be secrets.

import type { z } from 'zod';

/** Zod's message for an issue its schema did not word itself. */
export const readableIssue: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      // A missing key is an invalid_type whose input is undefined.
      if (issue.input === undefined) return 'is required';
      return `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v));
      return `must be ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}`;
    }
    case 'too_small':
      return sizeMessage(issue.origin, 'at least', issue.minimum);
    case 'too_big':
      return sizeMessage(issue.origin, 'at most', issue.maximum);
    case 'unrecognized_keys':
      return 'unknown key';
    case 'invalid_key':
      // A record key that failed its own schema: that schema's message says what is wanted.
      return issue.issues[0]?.message;
    default:
      return undefined;
  }
};

function sizeMessage(origin: string, bound: string, limit: number | bigint): string {
  if (origin === 'array') return `must have ${bound} ${String(limit)} item(s)`;
  return `must be ${bound} ${String(limit)}${origin === 'string' ? ' character(s) long' : ''}`;
}

/** `probes[2].target` from zod's `['probes', 2, 'target']`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out || '(top level)';
}

/** One line per issue; an unknown-keys issue gives one line per key. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => `${formatPath([...issue.path, key])}: ${issue.message}`);
    let where = issue.path;
    // A discriminated union's issue names the key that chose the branch (`probes[0].kind`).
    const discriminator = 'discriminator' in issue ? issue.discriminator : undefined;
    if (typeof discriminator === 'string' && where.at(-1) !== discriminator)
      where = [...where, discriminator];
    return [`${formatPath(where)}: ${issue.message}`];
  });
}
