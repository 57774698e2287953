import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SeenRequests } from '../../src/listeners/gate.js';
import { Store } from '../../src/store/store.js';

describe('SeenRequests', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  const open = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-seen-'));
    dirs.push(dir);
    return path.join(dir, 'bot.db');
  };

  it('tells a repeat from memory at once, and from the store after a restart once flushed', () => {
    const file = open();
    const now = () => new Date('2026-11-25T08:00:00Z');
    const store = Store.open(file);
    const seen = new SeenRequests(store, now);
    expect(seen.claim('trigger:1')).toBe(true);
    expect(seen.claim('trigger:1')).toBe(false);
    // Not written yet: the ack never waits for the disk.
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM slack_requests_seen').get()).toEqual({ n: 0 });
    seen.flush();
    expect(store.db.prepare('SELECT id FROM slack_requests_seen').all()).toEqual([{ id: 'trigger:1' }]);
    store.close();

    const restarted = Store.open(file);
    const again = new SeenRequests(restarted, now);
    expect(again.claim('trigger:1')).toBe(false);
    expect(again.claim('trigger:2')).toBe(true);
    restarted.close();
  });

  it('writes through a connection that does not wait for the disk, leaving the main one durable', () => {
    const store = Store.open(open());
    // 1 = NORMAL, 2 = FULL.
    expect(store.relaxed.pragma('synchronous', { simple: true })).toBe(1);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    store.close();
  });

  it('forgets ids older than two hours when it prunes', () => {
    let at = Date.parse('2026-11-25T08:00:00Z');
    const store = Store.open(open());
    const seen = new SeenRequests(store, () => new Date(at));
    seen.claim('event:old');
    seen.flush();
    at += 3 * 3_600_000;
    seen.claim('event:new');
    seen.flush();
    expect(store.db.prepare('SELECT id FROM slack_requests_seen').all()).toEqual([{ id: 'event:new' }]);
    expect(seen.claim('event:old')).toBe(true);
    store.close();
  });
});
