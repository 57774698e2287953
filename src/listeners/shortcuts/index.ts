import type { App } from '@slack/bolt';
import { SHORTCUT } from '../../ids.js';
import { createNotionIssueShortcut } from './create-notion-issue.js';

export function registerShortcuts(app: App): string[] {
  app.shortcut(SHORTCUT.createNotionIssue, createNotionIssueShortcut);
  return [SHORTCUT.createNotionIssue];
}
