// The `/audit status` overview, rendered once per change and reused: every member sees the same
// overview, so it is answered from memory in the ack itself, the cheapest answer Bolt can give,
// instead of being rendered and posted to response_url for each request (issue #13).

import type { MessageContent } from '../kit/blocks.js';
import { renderStatus, type StatusDeps } from './service.js';

/**
 * How long a rendered overview is reused while nothing changes: its ages ("measured 3 min ago")
 * move on with the clock, and results another process wrote show within the store's read cache.
 */
const OVERVIEW_REUSE_MS = 5000;

export class StatusOverview {
  private rendered:
    | { readonly key: string; readonly at: number; readonly message: MessageContent }
    | undefined;

  constructor(
    private readonly deps: StatusDeps,
    private readonly reuseMs = OVERVIEW_REUSE_MS,
  ) {}

  message(): MessageContent {
    const { runner, results } = this.deps;
    // What the overview shows besides the stored figures: which probes are measuring right now.
    const key = `${results.version}|${runner.ids.filter((id) => runner.isRunning(id)).join(',')}`;
    const at = this.deps.now().getTime();
    const cached = this.rendered;
    if (cached && cached.key === key && at >= cached.at && at - cached.at < this.reuseMs)
      return cached.message;
    const message = renderStatus(this.deps);
    this.rendered = { key, at, message };
    return message;
  }
}
