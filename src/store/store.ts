// The bot's SQLite database (better-sqlite3): opened once, WAL mode, migrations applied at
// start. Features reach the data through this small interface, never through file paths.
// The database holds alert bodies, Slack message links and issue texts: its folder is 0700
// and the file with its -wal and -shm 0600, tightened (and logged) when found looser.

import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AuditBotError, describeError } from '../kit/errors.js';
import { own } from '../kit/text.js';
import { MIGRATIONS, type Migration } from './migrations.js';

export interface StoreOptions {
  readonly migrations?: readonly Migration[];
  /** Milliseconds a writer waits for another process's lock before failing. */
  readonly busyTimeoutMs?: number;
  /** Told when the permissions of the folder or a database file had to be tightened. */
  readonly logger?: { warn(message: string): void };
}

const FOLDER_MODE = 0o700;
const FILE_MODE = 0o600;
/** SQLite's companions of a WAL database; it creates them with the main file's mode. */
const COMPANIONS = ['-wal', '-shm'] as const;

export class Store {
  private relaxedDb: Database.Database | undefined;

  private constructor(
    readonly path: string,
    readonly db: Database.Database,
  ) {}

  /** Opens (creating if needed) and migrates the database; errors name the file. */
  static open(file: string, options: StoreOptions = {}): Store {
    const resolved = file === ':memory:' ? file : path.resolve(file);
    if (resolved !== ':memory:') {
      try {
        // Only the folders created here get 0700; existing parents are left as they are.
        mkdirSync(path.dirname(resolved), { recursive: true, mode: FOLDER_MODE });
        tighten(path.dirname(resolved), FOLDER_MODE, options.logger);
        // Created 0600 before SQLite opens it, so its -wal and -shm are born 0600 too.
        if (!existsSync(resolved)) closeSync(openSync(resolved, 'a', FILE_MODE));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason =
          code === 'EEXIST' || code === 'ENOTDIR'
            ? 'a file stands where its folder should be'
            : describeError(error);
        throw new AuditBotError(
          'store_unavailable',
          `cannot create the folder for the database ${resolved}: ${reason}`,
          { cause: error },
        );
      }
    }
    let db: Database.Database;
    try {
      db = new Database(resolved, { timeout: options.busyTimeoutMs ?? 5000 });
      // The first statement touches the file header, so a corrupt file fails here, by name.
      db.pragma('journal_mode = WAL');
      // FULL: a webhook answered 2xx must survive power loss, not only a process crash.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
    } catch (error) {
      throw new AuditBotError(
        'store_unavailable',
        `cannot open the database ${resolved}: ${explainSqliteError(error)}`,
        { cause: error },
      );
    }
    // Only once SQLite accepted it: a path that points at some other file is left untouched.
    if (resolved !== ':memory:') {
      for (const file of [resolved, ...COMPANIONS.map((suffix) => `${resolved}${suffix}`)])
        tighten(file, FILE_MODE, options.logger);
    }
    const store = new Store(resolved, db);
    try {
      store.migrate(options.migrations ?? MIGRATIONS);
    } catch (error) {
      db.close();
      if (error instanceof AuditBotError) throw error;
      throw new AuditBotError(
        'store_migration_failed',
        `cannot migrate the database ${resolved}: ${explainSqliteError(error)}`,
        { cause: error },
      );
    }
    return store;
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private migrate(migrations: readonly Migration[]): void {
    const known = Math.max(0, ...migrations.map((m) => m.version));
    const current = this.schemaVersion;
    if (current > known) {
      throw new AuditBotError(
        'store_migration_failed',
        `the database ${this.path} has schema version ${current}, newer than this build knows (${known}); run a newer audit-bot or use another AUDIT_BOT_DB`,
      );
    }
    const pending = [...migrations].filter((m) => m.version > current).sort((a, b) => a.version - b.version);
    for (const migration of pending) {
      // IMMEDIATE: a second process starting at the same moment waits instead of migrating twice.
      this.db
        .transaction(() => {
          if (this.schemaVersion >= migration.version) return;
          if (typeof migration.up === 'string') this.db.exec(migration.up);
          else migration.up(this.db);
          this.db.pragma(`user_version = ${migration.version}`);
        })
        .immediate();
    }
  }

  /** Runs `fn` in one IMMEDIATE transaction (all or nothing; concurrent writers wait). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  getSetting(key: string): string | undefined {
    const row = this.db
      .prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?')
      .get(key);
    return row?.value;
  }

  setSetting(key: string, value: string, now: Date = new Date()): void {
    this.db
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, value, now.toISOString());
  }

  /**
   * A second connection to the same database whose commits do not wait for the disk
   * (synchronous=NORMAL: they survive a crash of the process, and only a power cut may lose the
   * last ones). For bookkeeping whose loss costs nothing, written where a wait for the disk
   * would stall the event loop (the ids of handled Slack requests, on every ack).
   */
  get relaxed(): Database.Database {
    if (this.path === ':memory:') return this.db;
    if (!this.relaxedDb) {
      this.relaxedDb = new Database(this.path, { timeout: 5000 });
      this.relaxedDb.pragma('synchronous = NORMAL');
    }
    return this.relaxedDb;
  }

  close(): void {
    if (this.relaxedDb?.open) this.relaxedDb.close();
    if (this.db.open) this.db.close();
  }
}

/**
 * Removes group and other permissions from `file` when this process's user owns it; a path
 * that is missing, not ours, or a folder where a file is expected is left to fail later with
 * SQLite's own explanation.
 */
function tighten(file: string, mode: number, logger: StoreOptions['logger']): void {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(file);
  } catch {
    return;
  }
  if (mode === FILE_MODE && !stat.isFile()) return;
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return;
  const current = stat.mode & 0o777;
  if ((current & 0o077) === 0) return;
  const next = current & ~0o077;
  chmodSync(file, next);
  logger?.warn(
    `tightened the permissions of ${file} from ${current.toString(8)} to ${next.toString(8)} (only the bot's user may read its database)`,
  );
}

/** What SQLite's error codes mean for someone starting the bot. */
const SQLITE_REASONS: Readonly<Record<string, string>> = {
  SQLITE_NOTADB: 'the file is not an SQLite database (corrupt, or another kind of file)',
  SQLITE_CORRUPT: 'the database file is corrupt',
  SQLITE_CANTOPEN: 'the file cannot be opened (is it a folder, or is its folder read-only?)',
  SQLITE_READONLY: 'the file is read-only',
  SQLITE_BUSY: 'another process holds a lock on it',
};

function explainSqliteError(error: unknown): string {
  return own(SQLITE_REASONS, String((error as { code?: string }).code)) ?? describeError(error);
}
