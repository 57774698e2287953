// Versioned schema changes, applied in order at start inside one transaction each.
// Append new migrations; never edit one that has shipped (databases in the field ran it).

import type { Database } from 'better-sqlite3';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: string | ((db: Database) => void);
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'settings',
    up: `
      CREATE TABLE settings (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'probes',
    up: `
      -- Every measurement of every probe, newest last; /audit status reads the latest per probe.
      CREATE TABLE probe_results (
        id           INTEGER PRIMARY KEY,
        probe_id     TEXT NOT NULL,
        status       TEXT NOT NULL,
        measurement  TEXT,
        measured_at  TEXT NOT NULL,
        duration_ms  INTEGER NOT NULL,
        error        TEXT
      ) STRICT;
      CREATE INDEX probe_results_by_probe ON probe_results (probe_id, measured_at);

      -- Results POSTed to /probes/:id/results, kept as received (validated) before the 202.
      CREATE TABLE push_results (
        id           INTEGER PRIMARY KEY,
        probe_id     TEXT NOT NULL,
        body         TEXT NOT NULL,
        received_at  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX push_results_by_probe ON push_results (probe_id, id);

      -- Notion probes count incrementally: one row per page seen, updated from pages edited
      -- since the last scan; a periodic full scan replaces the set (deleted pages drop out).
      CREATE TABLE notion_pages (
        probe_id          TEXT NOT NULL,
        page_id           TEXT NOT NULL,
        covered           INTEGER NOT NULL,
        last_edited_time  TEXT NOT NULL,
        PRIMARY KEY (probe_id, page_id)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE notion_scans (
        probe_id           TEXT PRIMARY KEY,
        data_source_id     TEXT NOT NULL,
        last_full_scan_at  TEXT NOT NULL,
        -- Newest last_edited_time seen; the next incremental scan asks for pages edited on or after it.
        edited_watermark   TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 3,
    name: 'digests',
    up: `
      -- One row per digest slot (or manual post). The primary key is the claim: whichever
      -- process inserts it posts that slot, so a slot is never posted twice.
      CREATE TABLE digest_runs (
        key          TEXT PRIMARY KEY,
        digest_id    TEXT NOT NULL,
        slot         TEXT NOT NULL,
        late         INTEGER NOT NULL DEFAULT 0,
        state        TEXT NOT NULL,
        claimed_at   TEXT NOT NULL,
        finished_at  TEXT,
        channel      TEXT,
        ts           TEXT,
        error        TEXT,
        -- Figures shown, by probe id, for "change since the previous digest".
        figures      TEXT
      ) STRICT;
      CREATE INDEX digest_runs_by_digest ON digest_runs (digest_id, slot);
    `,
  },
  {
    version: 4,
    name: 'alerts',
    up: `
      -- Every accepted webhook body, as received (after validation), before the 2xx.
      CREATE TABLE alert_inbox (
        id           INTEGER PRIMARY KEY,
        source       TEXT NOT NULL,
        group_key    TEXT NOT NULL,
        body         TEXT NOT NULL,
        received_at  TEXT NOT NULL
      ) STRICT;

      -- One Slack message per alert group. version counts state changes; the outbox worker
      -- brings Slack up to date whenever posted_version < version (so updates coalesce).
      CREATE TABLE alert_groups (
        group_key        TEXT PRIMARY KEY,
        -- Short stable id for button values (Alertmanager group keys can be long).
        group_id         TEXT NOT NULL UNIQUE,
        channel          TEXT NOT NULL,
        status           TEXT NOT NULL,
        state            TEXT NOT NULL,
        version          INTEGER NOT NULL,
        posted_version   INTEGER NOT NULL DEFAULT 0,
        ts               TEXT,
        -- Set before chat.postMessage; a restart that finds it without ts looks in Slack first.
        posting_since    TEXT,
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  TEXT NOT NULL,
        last_error       TEXT,
        updated_at       TEXT NOT NULL
      ) STRICT;
      CREATE INDEX alert_groups_due ON alert_groups (next_attempt_at) WHERE posted_version < version;

      -- Thread replies (resolved, firing again, acknowledged, silenced), posted in order.
      CREATE TABLE alert_replies (
        id          INTEGER PRIMARY KEY,
        group_key   TEXT NOT NULL,
        text        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        posted_at   TEXT
      ) STRICT;
      CREATE INDEX alert_replies_pending ON alert_replies (group_key, id) WHERE posted_at IS NULL;
    `,
  },
  {
    version: 5,
    name: 'issue proposals',
    up: `
      -- Issues proposed in Slack (from a report, a probe, or the form without Notion). The
      -- state moves proposed → creating → created (or failed → creating again), or dismissed;
      -- the claim (proposed/failed → creating) is one UPDATE, so only one approval proceeds.
      CREATE TABLE issue_proposals (
        id           INTEGER PRIMARY KEY,
        source_key   TEXT NOT NULL UNIQUE,
        title        TEXT NOT NULL,
        priority     TEXT NOT NULL,
        type         TEXT NOT NULL,
        description  TEXT NOT NULL,
        report_file  TEXT,
        slack_link   TEXT,
        channel      TEXT,
        ts           TEXT,
        state        TEXT NOT NULL,
        claimed_by   TEXT,
        claimed_at   TEXT,
        page_id      TEXT,
        page_url     TEXT,
        existing     INTEGER NOT NULL DEFAULT 0,
        decided_by   TEXT,
        reason       TEXT,
        error        TEXT,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 6,
    name: 'alert outbox: parking, severity order, per-source cap, idempotent replies',
    up: `
      -- A group that cannot be delivered by retrying (its state cannot be rendered, or Slack
      -- refuses it for good: invalid_blocks, channel_not_found…) is parked with its reason
      -- instead of being retried forever or stopping the outbox; a change to the group (a new
      -- webhook, a button) or a restart tries it again. parked_reason is a short label for
      -- metrics; parked_detail says what went wrong.
      ALTER TABLE alert_groups ADD COLUMN parked_at TEXT;
      ALTER TABLE alert_groups ADD COLUMN parked_reason TEXT;
      ALTER TABLE alert_groups ADD COLUMN parked_detail TEXT;
      -- Delivery order within a channel: critical (0), then warning (1), then the rest (2).
      ALTER TABLE alert_groups ADD COLUMN severity_rank INTEGER NOT NULL DEFAULT 2;
      -- Where a group comes from (webhook kind and Alertmanager receiver and URL, or the JSON
      -- alert's source), for the cap on open groups per source; opened_at starts the episode.
      ALTER TABLE alert_groups ADD COLUMN source_key TEXT NOT NULL DEFAULT '';
      ALTER TABLE alert_groups ADD COLUMN opened_at TEXT;
      -- Rows from before: readable states give their severity and source; others keep the defaults.
      UPDATE alert_groups SET
        opened_at = updated_at,
        severity_rank = CASE WHEN json_valid(state) THEN
            CASE lower(json_extract(state, '$.severity')) WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END
          ELSE 2 END,
        source_key = CASE
          WHEN NOT json_valid(state) THEN 'unknown'
          WHEN json_extract(state, '$.source') = 'json' THEN 'json'
          ELSE coalesce(json_extract(state, '$.source'), 'unknown') || ':@' || coalesce(json_extract(state, '$.externalURL'), '')
        END;
      DROP INDEX alert_groups_due;
      CREATE INDEX alert_groups_due ON alert_groups (next_attempt_at)
        WHERE posted_version < version AND parked_at IS NULL;
      CREATE INDEX alert_groups_open ON alert_groups (source_key) WHERE status = 'firing';

      -- Set before a thread reply is posted; a restart that finds it unposted looks in the
      -- thread (by the reply's metadata) before posting again.
      ALTER TABLE alert_replies ADD COLUMN posting_since TEXT;

      -- One "alerts held back" message per channel and source while groups of that source are
      -- held back by the cap, updated in place with the count and cleared when none are left.
      CREATE TABLE alert_notices (
        channel        TEXT NOT NULL,
        source_key     TEXT NOT NULL,
        ts             TEXT,
        posting_since  TEXT,
        shown_count    INTEGER NOT NULL DEFAULT 0,
        shown_at       TEXT,
        PRIMARY KEY (channel, source_key)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    name: 'issue claims record their process; proposal posting claims',
    up: `
      -- Which process instance claimed an issue creation, so a claim left by a process that is
      -- gone is resumed at once, and one of a live process only after its lease.
      ALTER TABLE issue_proposals ADD COLUMN claimed_instance TEXT;
      -- The claim to post a proposal's message: set before chat.postMessage (which carries the
      -- proposal id in its metadata), so concurrent callers post it once; a claim found without
      -- ts after a crash is settled by looking for the message in the channel first.
      ALTER TABLE issue_proposals ADD COLUMN posting_by TEXT;
      ALTER TABLE issue_proposals ADD COLUMN posting_at TEXT;
    `,
  },
  {
    version: 8,
    name: 'retention indexes',
    up: `
      -- "Latest result of each probe" is the newest row by id (a measured_at in the future must
      -- not pin a status); pruning keeps it and deletes by age.
      CREATE INDEX probe_results_by_probe_id ON probe_results (probe_id, id);
      CREATE INDEX probe_results_by_time ON probe_results (measured_at);
      CREATE INDEX push_results_by_time ON push_results (received_at);
      CREATE INDEX alert_inbox_by_time ON alert_inbox (received_at);
    `,
  },
  {
    version: 9,
    name: 'Slack requests already handled',
    up: `
      -- event_id of events and trigger_id of commands and interactions already handled, so a
      -- retry (X-Slack-Retry-Num) or a replay of a signed request is acknowledged, not handled
      -- again; rows older than two hours are pruned as new ones arrive.
      CREATE TABLE slack_requests_seen (
        id       TEXT PRIMARY KEY,
        seen_at  TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX slack_requests_seen_by_time ON slack_requests_seen (seen_at);
    `,
  },
  {
    version: 10,
    name: 'issues know their check and their state in Notion',
    up: `
      -- The check (probe id) an issue tracks: set by Propose issue, by the linking rule for an
      -- audit report's issues, or in the issue form; NULL when it tracks none.
      ALTER TABLE issue_proposals ADD COLUMN probe_id TEXT;
      -- What Notion says of the created page, as last read (webhook signal or poll): its
      -- status, assignee and last edit; an older reading never overwrites a newer one.
      ALTER TABLE issue_proposals ADD COLUMN notion_status TEXT;
      ALTER TABLE issue_proposals ADD COLUMN notion_assignee TEXT;
      ALTER TABLE issue_proposals ADD COLUMN notion_edited_at TEXT;
      ALTER TABLE issue_proposals ADD COLUMN notion_gone INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX issue_proposals_by_page ON issue_proposals (page_id);
      -- Closing from Slack: the check's figure when the page was created, the thread reply
      -- offering Close issue (claimed before it is posted, so it is offered once), the claim of
      -- the close itself (one caller proceeds; a claim older than the lease is taken over), and
      -- who closed it when.
      ALTER TABLE issue_proposals ADD COLUMN figure_at_creation TEXT;
      ALTER TABLE issue_proposals ADD COLUMN close_offer_ts TEXT;
      ALTER TABLE issue_proposals ADD COLUMN closing_at TEXT;
      ALTER TABLE issue_proposals ADD COLUMN closed_by TEXT;
      ALTER TABLE issue_proposals ADD COLUMN closed_at TEXT;
      -- The thread reply offering Reopen issue: a finished issue whose check fails (again).
      ALTER TABLE issue_proposals ADD COLUMN reopen_offer_ts TEXT;
    `,
  },
];
