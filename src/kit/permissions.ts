// Who may do what: `slack.permissions.<action>` lists user IDs (U…) and user-group IDs (S…);
// without an entry, the approvers may. User-group members are looked up through Slack
// (usergroups.users.list) and cached for a few minutes.

import type { webApi } from '@slack/bolt';

export const PERMISSIONS = [
  'approve_issues',
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

export class Permissions {
  private readonly groupMembers = new Map<string, { users: Set<string>; at: number }>();

  constructor(
    private readonly config: { readonly slack: SlackAccess },
    private readonly client: webApi.WebClient,
  ) {}

  /** The IDs that grant `permission`: its own list, else the approvers. */
  grantees(permission: Permission): readonly string[] {
    return this.config.slack.permissions[permission] ?? this.config.slack.approvers;
  }

  async allows(permission: Permission, userId: string): Promise<boolean> {
    const grantees = this.grantees(permission);
    if (grantees.includes(userId)) return true;
    for (const id of grantees.filter((g) => g.startsWith('S'))) {
      if ((await this.members(id)).has(userId)) return true;
    }
    return false;
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
