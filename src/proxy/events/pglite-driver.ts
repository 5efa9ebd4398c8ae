/**
 * The embedded driver: PGlite (Postgres compiled to WebAssembly) in one data folder,
 * in this process. It runs one statement at a time, so calls queue; a call still queued
 * at its deadline is rejected, and if its transaction gets to run later it rolls back.
 */
import { PGlite, types } from '@electric-sql/pglite';
import type { SqlClient } from './store.js';
import { withinDeadline } from './unavailable.js';

// The same row values as the pg driver: counts as numbers, days as written.
const PARSERS = { [types.INT8]: (value: string) => Number(value), [types.DATE]: (value: string) => value };

export async function openPglite(dataDir: string, timeoutMs: number): Promise<SqlClient> {
  const db = await PGlite.create(dataDir, { parsers: PARSERS });

  const inside = (tx: { query: PGlite['query'] }): SqlClient => ({
    query: async <Row>(text: string, params?: unknown[]) => (await tx.query<Row>(text, params)).rows,
    transaction: (work) => work(inside(tx)),
    close: () => Promise.reject(new Error('close the store, not a transaction')),
  });

  return {
    query: <Row>(text: string, params?: unknown[]) => withinDeadline(timeoutMs, db.query<Row>(text, params).then((result) => result.rows)),
    transaction<T>(work: (sql: SqlClient) => Promise<T>): Promise<T> {
      let late = false;
      const run = db.transaction(async (tx) => {
        if (late) throw new Error('its deadline passed while it waited for the database');
        const result = await work(inside(tx));
        // Too late: the caller was told it failed, so nothing may commit now.
        if (late) throw new Error('rolled back after its deadline');
        return result;
      });
      return withinDeadline(timeoutMs, run, () => (late = true));
    },
    close: () => db.close(),
  };
}
