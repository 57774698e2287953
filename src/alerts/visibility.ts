// Who may see which alert groups outside their channel (`/audit alerts`, the Home tab): with
// `alerts.visible_to: channel_members` (the default) a person sees the groups of channels they
// are a member of — an alert routed to a private on-call channel stays there — and holders of
// `slack.permissions.view_all_alerts` (approvers by default) see all; `everyone` shows every
// group to every member, as before. Channel members come from Slack (conversations.members,
// paginated, cached a few minutes); a channel whose members cannot be read is not shown.

import type { webApi } from '@slack/bolt';
import type { Config } from '../config/index.js';
import type { Logger } from '../kit/logger.js';
import type { Permissions } from '../kit/permissions.js';
import { describeSlackError } from '../kit/slack.js';
import { LogThrottle } from '../kit/throttle.js';

const MEMBERS_CACHE_MS = 5 * 60_000;
/** Pages read per channel at most (200 members each): larger channels are not alert channels. */
const MAX_PAGES = 50;

export interface VisibleChannels {
  /** 'all', or the channels whose groups this person may see. */
  readonly visible: 'all' | ReadonlySet<string>;
  /** Channels whose members could not be read (their groups are not shown). */
  readonly unknown: readonly string[];
  /** Whether some groups were left out because the person is not in their channel. */
  readonly restricted: boolean;
}

export class AlertVisibility {
  private readonly members = new Map<string, { users: ReadonlySet<string>; at: number }>();
  private readonly failures: LogThrottle;

  constructor(
    private readonly config: Pick<Config, 'alerts'>,
    private readonly permissions: Pick<Permissions, 'allows'>,
    private readonly client: webApi.WebClient,
    logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.failures = new LogThrottle(logger);
  }

  /** Which of `channels` (those of the firing groups) `userId` may see groups of. */
  async forUser(userId: string, channels: Iterable<string>): Promise<VisibleChannels> {
    if (this.config.alerts.visible_to === 'everyone')
      return { visible: 'all', unknown: [], restricted: false };
    if (await this.permissions.allows('view_all_alerts', userId))
      return { visible: 'all', unknown: [], restricted: false };
    const visible = new Set<string>();
    const unknown: string[] = [];
    let restricted = false;
    for (const channel of new Set(channels)) {
      const users = await this.channelMembers(channel);
      if (!users) unknown.push(channel);
      else if (users.has(userId)) visible.add(channel);
      else restricted = true;
    }
    return { visible, unknown, restricted };
  }

  private async channelMembers(channel: string): Promise<ReadonlySet<string> | undefined> {
    const cached = this.members.get(channel);
    if (cached && this.now() - cached.at < MEMBERS_CACHE_MS) return cached.users;
    try {
      const users = new Set<string>();
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        // An undefined cursor is left out of the request by the WebClient.
        const answer = await this.client.conversations.members({ channel, limit: 200, cursor });
        for (const user of answer.members ?? []) users.add(user);
        cursor = answer.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
      this.members.set(channel, { users, at: this.now() });
      return users;
    } catch (error) {
      this.failures.warn(
        `members:${channel}`,
        { channel },
        `members of ${channel} not read, so its alerts are not shown to members: ${describeSlackError(error)}`,
      );
      return undefined;
    }
  }
}

/** Whether a group in `channel` may be shown, given what forUser answered. */
export function canSee(access: VisibleChannels, channel: string): boolean {
  return access.visible === 'all' || access.visible.has(channel);
}

/** The line under an alert list that says what was left out, if anything. */
export function visibilityNote(access: VisibleChannels): string | undefined {
  const parts: string[] = [];
  if (access.restricted) parts.push(':lock: Alert groups of channels you are not a member of are not shown.');
  if (access.unknown.length > 0)
    parts.push(
      `:warning: Members of ${access.unknown.map((c) => `<#${c}>`).join(', ')} could not be read from Slack, so alert groups there are not shown.`,
    );
  return parts.length > 0 ? parts.join(' ') : undefined;
}
