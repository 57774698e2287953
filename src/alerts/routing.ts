// Which channel an alert group goes to: the first route whose labels all match, else
// alerts.default_channel, else slack.channels.alerts.

import type { Config } from '../config/index.js';
import { own } from '../kit/text.js';

export function channelFor(
  labels: Readonly<Record<string, string>>,
  config: Pick<Config, 'alerts' | 'slack'>,
): string | undefined {
  for (const route of config.alerts.routes) {
    if (Object.entries(route.match).every(([key, value]) => own(labels, key) === value)) return route.channel;
  }
  return config.alerts.default_channel ?? config.slack.channels.alerts;
}
