/**
 * The schema, as numbered migrations run at start on both drivers. Each runs once: the
 * versions applied are kept in recs_migrations. Two proxy instances starting at once
 * against one server take turns on a transaction-level advisory lock, so the second
 * sees the first's versions and applies nothing. A new migration is a new entry at the
 * end, never an edit of one already released.
 */
import type { SqlClient } from './store.js';

export const MIGRATIONS: readonly { version: number; statements: readonly string[] }[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE IF NOT EXISTS recs_batches (
        batch_id    text PRIMARY KEY,
        received_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE IF NOT EXISTS recs_events (
        event_key   text PRIMARY KEY,
        batch_id    text NOT NULL,
        type        text NOT NULL,
        placement   text NOT NULL,
        variant     text NOT NULL,
        request_id  text NOT NULL,
        item_id     text NOT NULL,
        rank        integer NOT NULL,
        team        text,
        tracker_id  text,
        quantity    integer,
        revenue     double precision,
        currency    text,
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`,
      'CREATE INDEX IF NOT EXISTS recs_events_by_time ON recs_events (occurred_at)',
      'CREATE INDEX IF NOT EXISTS recs_events_by_request ON recs_events (request_id)',
      `CREATE TABLE IF NOT EXISTS recs_requests (
        day         date NOT NULL,
        placement   text NOT NULL,
        variant     text NOT NULL,
        interleaved boolean NOT NULL DEFAULT false,
        count       bigint NOT NULL,
        PRIMARY KEY (day, placement, variant, interleaved)
      )`,
    ],
  },
  {
    // Split answers' shopper bucket and config fingerprint (experiments/token.ts): the report's
    // unit of variance and its guard against pooling two configurations. Null on older rows.
    version: 2,
    statements: [
      'ALTER TABLE recs_events ADD COLUMN IF NOT EXISTS bucket integer',
      'ALTER TABLE recs_events ADD COLUMN IF NOT EXISTS split text',
    ],
  },
  {
    // The sending client's unit (a keyed hash of its address, one of 1,000: the report's cluster, so
    // one client weighs as one however many shoppers it poses as), and answers counted per split
    // configuration ('' for none and for counts from before), so the report never pools two.
    version: 3,
    statements: [
      'ALTER TABLE recs_events ADD COLUMN IF NOT EXISTS client integer',
      "ALTER TABLE recs_requests ADD COLUMN IF NOT EXISTS split text NOT NULL DEFAULT ''",
      'ALTER TABLE recs_requests DROP CONSTRAINT IF EXISTS recs_requests_pkey',
      'ALTER TABLE recs_requests ADD PRIMARY KEY (day, placement, variant, interleaved, split)',
    ],
  },
];

/** Any constant shared by every instance; it names the lock in pg_locks. */
const MIGRATION_LOCK = 7_361_042_010;

/** Applies the migrations not yet applied; returns the versions it applied. */
export function runMigrations(sql: SqlClient): Promise<number[]> {
  return sql.transaction(async (tx) => {
    // Taken first, before anything reads or creates, and released at commit.
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS recs_migrations (
      version    integer PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM recs_migrations')).map((row) => Number(row.version)));
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO recs_migrations (version) VALUES ($1::integer)', [migration.version]);
      applied.push(migration.version);
    }
    return applied;
  });
}
