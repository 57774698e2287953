import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditBotError } from '../../src/kit/errors.js';
import { MIGRATIONS, type Migration } from '../../src/store/migrations.js';
import { Store, type StoreOptions } from '../../src/store/store.js';

const LATEST = Math.max(...MIGRATIONS.map((m) => m.version));

let dir: string;
const opened: Store[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-'));
});

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Opens a store that is closed after the test. */
function open(file: string, options?: StoreOptions): Store {
  const store = Store.open(file, options);
  opened.push(store);
  return store;
}

function openError(file: string, options?: StoreOptions): AuditBotError {
  try {
    open(file, options);
  } catch (error) {
    if (error instanceof AuditBotError) return error;
    throw error;
  }
  throw new Error(`expected Store.open(${file}) to fail`);
}

function tableNames(store: Store): string[] {
  return store.db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .all()
    .map((row) => row.name);
}

describe('Store.open', () => {
  it('creates the file and its missing folders', () => {
    const file = path.join(dir, 'data', 'nested', 'audit-bot.db');

    const store = open(file);

    expect(fs.statSync(file).isFile()).toBe(true);
    expect(store.path).toBe(file);
  });

  it('creates its folder 0700 and the database, -wal and -shm files 0600', () => {
    const folder = path.join(dir, 'data');
    const file = path.join(folder, 'audit-bot.db');
    const store = open(file);
    store.setSetting('k', 'v');

    const mode = (p: string) => fs.statSync(p).mode & 0o777;
    expect(mode(folder)).toBe(0o700);
    for (const p of [file, `${file}-wal`, `${file}-shm`]) expect(mode(p), p).toBe(0o600);
  });

  it('tightens an existing world-readable folder and file it owns, and says so', () => {
    const folder = path.join(dir, 'data');
    const file = path.join(folder, 'audit-bot.db');
    open(file).close();
    // As an older version (or a careless umask) left them.
    fs.chmodSync(folder, 0o755);
    for (const suffix of ['', '-wal', '-shm']) {
      fs.writeFileSync(
        `${file}${suffix}`,
        fs.existsSync(`${file}${suffix}`) ? fs.readFileSync(`${file}${suffix}`) : '',
      );
      fs.chmodSync(`${file}${suffix}`, 0o644);
    }
    const logged: string[] = [];

    const store = open(file, { logger: { warn: (message: string) => logged.push(message) } });
    store.setSetting('k', 'v');

    const mode = (p: string) => fs.statSync(p).mode & 0o777;
    expect(mode(folder)).toBe(0o700);
    for (const p of [file, `${file}-wal`, `${file}-shm`]) expect(mode(p), p).toBe(0o600);
    expect(logged).toEqual([
      `tightened the permissions of ${folder} from 755 to 700 (only the bot's user may read its database)`,
      `tightened the permissions of ${file} from 644 to 600 (only the bot's user may read its database)`,
      `tightened the permissions of ${file}-wal from 644 to 600 (only the bot's user may read its database)`,
      `tightened the permissions of ${file}-shm from 644 to 600 (only the bot's user may read its database)`,
    ]);
  });

  it('resolves a relative path to an absolute one', () => {
    const relative = path.relative(process.cwd(), path.join(dir, 'audit-bot.db'));

    expect(open(relative).path).toBe(path.join(dir, 'audit-bot.db'));
  });

  it('turns on WAL mode, full sync and foreign keys', () => {
    const store = open(path.join(dir, 'audit-bot.db'));

    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('applies the migrations and records the version in user_version', () => {
    const store = open(path.join(dir, 'audit-bot.db'));

    expect(LATEST).toBeGreaterThanOrEqual(1);
    expect(store.schemaVersion).toBe(LATEST);
    expect(store.db.pragma('user_version', { simple: true })).toBe(LATEST);
    expect(tableNames(store)).toContain('settings');
  });

  it('is idempotent: re-opening runs no migration again and keeps the data', () => {
    const file = path.join(dir, 'audit-bot.db');
    let runs = 0;
    const migrations: Migration[] = [
      {
        version: 1,
        name: 'settings, counted',
        up: (db) => {
          runs += 1;
          db.exec(
            'CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL)',
          );
        },
      },
    ];

    const first = open(file, { migrations });
    first.setSetting('greeting', 'hello');
    first.close();
    const second = open(file, { migrations });
    second.close();
    const third = open(file, { migrations });

    expect(runs).toBe(1);
    expect(third.schemaVersion).toBe(1);
    expect(third.getSetting('greeting')).toBe('hello');
  });

  it('re-opens a database made with the default migrations', () => {
    const file = path.join(dir, 'audit-bot.db');
    open(file).close();

    expect(open(file).schemaVersion).toBe(LATEST);
  });

  it('applies a newer migration on top of an existing database, in version order', () => {
    const file = path.join(dir, 'audit-bot.db');
    const first = open(file);
    first.setSetting('kept', 'yes');
    first.close();

    const next = LATEST + 1;
    const store = open(file, {
      migrations: [
        { version: next + 1, name: 'index notes', up: 'CREATE INDEX notes_by_text ON notes (text)' },
        ...MIGRATIONS,
        {
          version: next,
          name: 'notes',
          up: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)',
        },
      ],
    });

    expect(store.schemaVersion).toBe(next + 1);
    expect(tableNames(store)).toEqual(expect.arrayContaining(['notes', 'settings']));
    expect(store.getSetting('kept')).toBe('yes');
  });

  it('rolls back a failing migration and names the file', () => {
    const file = path.join(dir, 'audit-bot.db');
    open(file).close();

    const error = openError(file, {
      migrations: [
        ...MIGRATIONS,
        {
          version: LATEST + 1,
          name: 'half done',
          up: (db) => {
            db.exec('CREATE TABLE half (id INTEGER)');
            db.exec('CREATE TABLE broken (');
          },
        },
      ],
    });

    expect(error.code).toBe('store_migration_failed');
    expect(error.message).toContain(file);
    const store = open(file);
    expect(store.schemaVersion).toBe(LATEST);
    expect(tableNames(store)).not.toContain('half');
  });

  it('refuses a database newer than the code, naming the path', () => {
    const file = path.join(dir, 'audit-bot.db');
    const store = open(file);
    store.db.pragma(`user_version = ${LATEST + 5}`);
    store.close();

    const error = openError(file);

    expect(error.code).toBe('store_migration_failed');
    expect(error.message).toContain(file);
    expect(error.message).toContain(`schema version ${LATEST + 5}`);
  });

  it.each<{ name: string; content: Buffer }>([
    { name: 'a text file', content: Buffer.from('timezone: Europe/Berlin\n'.repeat(200)) },
    { name: 'random bytes', content: randomBytes(8192) },
  ])('refuses $name as not an SQLite database, naming the path and leaving it untouched', ({ content }) => {
    const file = path.join(dir, 'audit-bot.db');
    fs.writeFileSync(file, content);

    const error = openError(file);

    expect(error.code).toBe('store_unavailable');
    expect(error.message).toContain(file);
    expect(error.message).toContain('not an SQLite database');
    expect(fs.readFileSync(file).equals(content)).toBe(true);
  });

  it('fails with the path when the folder cannot be created (a file is in the way)', () => {
    const blocker = path.join(dir, 'file.txt');
    fs.writeFileSync(blocker, 'not a folder');
    const file = path.join(blocker, 'db.sqlite');

    const error = openError(file);

    expect(error.code).toBe('store_unavailable');
    expect(error.message).toContain(file);
  });

  it('fails with the path when the database path is a folder', () => {
    const file = path.join(dir, 'audit-bot.db');
    fs.mkdirSync(file);

    const error = openError(file);

    expect(error.code).toBe('store_unavailable');
    expect(error.message).toContain(file);
  });

  it('opens an in-memory database', () => {
    const store = open(':memory:');

    expect(store.path).toBe(':memory:');
    expect(store.schemaVersion).toBe(LATEST);
  });
});

describe('Store settings and transactions', () => {
  it('round-trips settings, overwrites them and keeps them across re-opens', () => {
    const file = path.join(dir, 'audit-bot.db');
    const store = open(file);

    expect(store.getSetting('missing')).toBeUndefined();
    store.setSetting('digest.last', '2026-01-18T08:00:00.000Z', new Date('2026-01-18T08:00:01Z'));
    store.setSetting('unicode', 'Grüße, 音楽 🎵');
    store.setSetting('empty', '');
    expect(store.getSetting('digest.last')).toBe('2026-01-18T08:00:00.000Z');
    store.setSetting('digest.last', '2026-01-19T08:00:00.000Z', new Date('2026-01-19T08:00:01Z'));

    store.close();
    const again = open(file);
    expect(again.getSetting('digest.last')).toBe('2026-01-19T08:00:00.000Z');
    expect(again.getSetting('unicode')).toBe('Grüße, 音楽 🎵');
    expect(again.getSetting('empty')).toBe('');
    expect(
      again.db
        .prepare<[string], { updated_at: string }>('SELECT updated_at FROM settings WHERE key = ?')
        .get('digest.last'),
    ).toEqual({ updated_at: '2026-01-19T08:00:01.000Z' });
  });

  it('commits a transaction and returns its value', () => {
    const store = open(path.join(dir, 'audit-bot.db'));

    const result = store.transaction(() => {
      store.setSetting('a', '1');
      store.setSetting('b', '2');
      return 'done';
    });

    expect(result).toBe('done');
    expect([store.getSetting('a'), store.getSetting('b')]).toEqual(['1', '2']);
  });

  it('rolls a transaction back when it throws, and rethrows the error', () => {
    const store = open(path.join(dir, 'audit-bot.db'));
    store.setSetting('a', 'before');
    const failure = new Error('boom');

    expect(() =>
      store.transaction(() => {
        store.setSetting('a', 'after');
        store.setSetting('b', 'new');
        throw failure;
      }),
    ).toThrow(failure);

    expect(store.getSetting('a')).toBe('before');
    expect(store.getSetting('b')).toBeUndefined();
  });

  it('close() can be called twice', () => {
    const store = open(path.join(dir, 'audit-bot.db'));
    store.close();

    expect(() => store.close()).not.toThrow();
  });
});

describe('two Store instances on one file (two processes)', () => {
  it("see each other's committed writes", () => {
    const file = path.join(dir, 'audit-bot.db');
    const a = open(file);
    const b = open(file);

    a.setSetting('from-a', '1');
    expect(b.getSetting('from-a')).toBe('1');
    b.setSetting('from-b', '2');
    expect(a.getSetting('from-b')).toBe('2');
    b.setSetting('from-a', '3');
    expect(a.getSetting('from-a')).toBe('3');
  });

  it('do not see uncommitted writes, and a second writer waits for the lock, then gives up', () => {
    const file = path.join(dir, 'audit-bot.db');
    const a = open(file);
    const b = open(file, { busyTimeoutMs: 50 });
    a.setSetting('k', 'committed');

    a.transaction(() => {
      a.setSetting('k', 'pending');
      expect(b.getSetting('k')).toBe('committed');
      expect(() => b.setSetting('k', 'from-b')).toThrow(/locked/);
    });

    expect(b.getSetting('k')).toBe('pending');
  });

  it('the second to open finds the migrations already applied and runs none', () => {
    const file = path.join(dir, 'audit-bot.db');
    let runs = 0;
    const migrations: Migration[] = [
      ...MIGRATIONS,
      {
        version: LATEST + 1,
        name: 'counted',
        up: (db) => {
          runs += 1;
          db.exec('CREATE TABLE counted (id INTEGER)');
        },
      },
    ];

    const a = open(file, { migrations });
    const b = open(file, { migrations });

    expect(runs).toBe(1);
    expect([a.schemaVersion, b.schemaVersion]).toEqual([LATEST + 1, LATEST + 1]);
  });
});
