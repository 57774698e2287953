// Who may do what: `slack.permissions.<action>` lists user IDs (U…) and user-group IDs (S…);
// without an entry, the approvers may. User-group members are looked up through Slack
// (usergroups.users.list) and cached for a few minutes.

import type { RespondArguments, webApi } from '@slack/bolt';
import type { MessageContent } from './blocks.js';
import type { Logger } from './logger.js';
import { permissionDenied } from './notice.js';

export const PERMISSIONS = [
  'approve_issues',
  'close_issues',
  'silence_alerts',
  'post_digests',
  'refresh',
  'view_all_alerts',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** `slack:` of audit-bot.yml, as far as permissions go. */
export interface SlackAccess {
  readonly approvers: readonly string[];
  readonly permissions: Partial<Record<Permission, readonly string[]>>;
}

const GROUP_CACHE_MS = 5 * 60_000;

/**
 * A view submission must be answered within 3 s, and its refusal goes back in that answer; a
 * user-group lookup that takes longer than this counts as "not known yet".
 */
const ANSWER_DEADLINE_MS = 2000;

export class Permissions {
  private readonly groupMembers = new Map<string, { users: Set<string>; at: number }>();

  constructor(
    private readonly config: { readonly slack: SlackAccess },
    private readonly client: webApi.WebClient,
    private readonly deadlineMs = ANSWER_DEADLINE_MS,
  ) {}

  async allows(permission: Permission, userId: string): Promise<boolean> {
    // Its own list, else the approvers.
    const grantees = this.config.slack.permissions[permission] ?? this.config.slack.approvers;
    if (grantees.includes(userId)) return true;
    for (const id of grantees.filter((g) => g.startsWith('S'))) {
      if ((await this.members(id)).has(userId)) return true;
    }
    return false;
  }

  /** `allows`, or `undefined` when the answer is not known within the deadline. */
  async allowsWithinDeadline(permission: Permission, userId: string): Promise<boolean | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.deadlineMs);
    });
    return Promise.race([this.allows(permission, userId), late]).finally(() => clearTimeout(timer));
  }

  private async members(groupId: string): Promise<Set<string>> {
    const cached = this.groupMembers.get(groupId);
    if (cached && Date.now() - cached.at < GROUP_CACHE_MS) return cached.users;
    try {
      const answer = await this.client.usergroups.users.list({ usergroup: groupId });
      const users = new Set(answer.users ?? []);
      this.groupMembers.set(groupId, { users, at: Date.now() });
      return users;
    } catch {
      // Without the answer nobody gains access through the group; direct grants still work.
      return cached?.users ?? new Set();
    }
  }
}

/**
 * Whether `userId` holds `permission`; when not, the refusal is logged and the person is told
 * privately what they lack (`refusal`, else the standard answer naming the permission).
 */
export async function permitted(
  deps: { readonly permissions: Permissions; readonly logger: Pick<Logger, 'info'> },
  request: {
    readonly permission: Permission;
    readonly userId: string;
    /** What was refused, as people call it ("Refresh", "`/audit digest`"). */
    readonly what: string;
    readonly respond: (message: RespondArguments) => Promise<unknown>;
    readonly refusal?: MessageContent;
  },
): Promise<boolean> {
  const { permission, userId, what } = request;
  if (await deps.permissions.allows(permission, userId)) return true;
  deps.logger.info({ user: userId, permission }, `${what.replaceAll('`', '')} refused`);
  await request.respond({
    response_type: 'ephemeral',
    replace_original: false,
    ...(request.refusal ?? permissionDenied(permission, what)),
  });
  return false;
}
