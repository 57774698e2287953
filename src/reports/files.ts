// Finds the newest audit report in a folder: by the date in its name
// (`…_20260118.md`, `…_20260118_101500.md`), else by modification time.

import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function nameStamp(name: string): string | undefined {
  const match = /(\d{8})(?:[_-]?(\d{6}))?/.exec(name);
  return match ? `${match[1]}${match[2] ?? '000000'}` : undefined;
}

export function findNewestReport(dir: string): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((name) => name.toLowerCase().endsWith('.md'));
  } catch {
    return undefined;
  }
  const files = entries
    .map((name) => {
      const full = path.join(dir, name);
      try {
        const stat = statSync(full);
        return stat.isFile() ? { full, stamp: nameStamp(name) ?? '', mtime: stat.mtimeMs } : undefined;
      } catch {
        return undefined;
      }
    })
    .filter((f) => f !== undefined);
  files.sort((a, b) => (a.stamp === b.stamp ? b.mtime - a.mtime : a.stamp < b.stamp ? 1 : -1));
  return files[0]?.full;
}
