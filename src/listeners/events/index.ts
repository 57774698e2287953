import type { App } from '@slack/bolt';
import type { AppDeps } from '../../app/deps.js';
import { EVENT } from '../../kit/ids.js';
import { appHomeOpened } from './app-home-opened.js';

export function registerEvents(app: App, deps: AppDeps): string[] {
  app.event(EVENT.appHomeOpened, appHomeOpened(deps));
  return [EVENT.appHomeOpened];
}
