/**
 * The server driver: a `pg` Pool on DATABASE_URL, for production and for more than one
 * proxy instance. Connecting, each statement (server-side statement_timeout and the
 * client's query_timeout) and each whole call are bounded by the timeout, so a database
 * that is down or stuck costs a 503, never a hung request.
 */
import pg from 'pg';
import type { SqlClient } from './store.js';
import { withinDeadline } from './unavailable.js';

// The same row values as the PGlite driver: counts as numbers, days as written.
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? Number : oid === pg.types.builtins.DATE ? String : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

const ignore = () => undefined;

export function openPostgres(connectionString: string, timeoutMs: number): SqlClient {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs,
    idle_in_transaction_session_timeout: timeoutMs * 2,
    keepAlive: true,
    types: TYPES,
  });
  // An idle connection lost when the server restarts: the pool drops it and opens another.
  pool.on('error', ignore);

  const inside = (client: pg.PoolClient): SqlClient => ({
    query: async <Row>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as Row[],
    transaction: (work) => work(inside(client)),
    close: () => Promise.reject(new Error('close the store, not a transaction')),
  });

  return {
    query: <Row>(text: string, params?: unknown[]) => withinDeadline(timeoutMs, pool.query(text, params).then((result) => result.rows as Row[])),
    transaction<T>(work: (sql: SqlClient) => Promise<T>): Promise<T> {
      let late = false;
      const run = async () => {
        const client = await pool.connect();
        // A connection that dies between two statements emits 'error'; the statement after it fails anyway.
        client.on('error', ignore);
        try {
          if (late) throw new Error('its deadline passed while it waited for a connection');
          await client.query('BEGIN');
          const result = await work(inside(client));
          // Too late: the caller was told it failed, so nothing may commit now.
          if (late) throw new Error('rolled back after its deadline');
          await client.query('COMMIT');
          client.off('error', ignore);
          client.release();
          return result;
        } catch (error) {
          // The connection may be broken or still inside the transaction: close it (the
          // server rolls back what was not committed) rather than hand it to the next call.
          client.off('error', ignore);
          client.release(error instanceof Error ? error : new Error(String(error)));
          throw error;
        }
      };
      return withinDeadline(timeoutMs, run(), () => (late = true));
    },
    close: () => pool.end(),
  };
}
