import type { App } from '@slack/bolt';
import { SHORTCUT } from '../../kit/ids.js';
import { createIssueShortcut } from '../issues.js';

export function registerShortcuts(app: App): string[] {
  app.shortcut(SHORTCUT.createNotionIssue, createIssueShortcut());
  return [SHORTCUT.createNotionIssue];
}
