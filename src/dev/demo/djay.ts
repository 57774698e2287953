// Demo djay Pro library for shell mode: an SQLite file whose counts reproduce the audit
// report's figures (15,540 tracks, 70% with a djay ID), read by the real sqlite probe.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface DemoDjayOptions {
  readonly path: string;
  readonly tracks: number;
  readonly matched: number;
}

/** Creates (or recreates, when its counts differ) the demo library; idempotent. */
export function ensureDemoDjayLibrary(options: DemoDjayOptions): void {
  mkdirSync(path.dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS tracks (
      id INTEGER PRIMARY KEY, title TEXT NOT NULL, artist TEXT NOT NULL, djay_id TEXT
    )`);
    const counts = db
      .prepare<[], { total: number; matched: number }>(
        'SELECT COUNT(*) AS total, COUNT(djay_id) AS matched FROM tracks',
      )
      .get();
    if (counts?.total === options.tracks && counts.matched === options.matched) return;
    const insert = db.prepare('INSERT INTO tracks (id, title, artist, djay_id) VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      db.exec('DELETE FROM tracks');
      for (let i = 1; i <= options.tracks; i += 1) {
        // Spread the matched tracks evenly rather than all first, like a half-finished sync.
        const matched =
          Math.floor((i * options.matched) / options.tracks) !==
          Math.floor(((i - 1) * options.matched) / options.tracks);
        insert.run(
          i,
          `Track ${i}`,
          `Artist ${(i % 997) + 1}`,
          matched ? `djay-${i.toString(16).padStart(6, '0')}` : null,
        );
      }
    })();
  } finally {
    db.close();
  }
}
