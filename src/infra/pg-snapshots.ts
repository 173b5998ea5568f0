import pg from 'pg';

/**
 * Snapshot/restore through template databases, the same for every provider: a snapshot is a copy
 * of the suite database made with CREATE DATABASE … TEMPLATE, and restore recreates the suite
 * database from it. Both need the suite database to have no other sessions, so open
 * connections to it are terminated: callers reconnect (pools do this on their own).
 */
export interface PgSnapshots {
  serverVersion: string;
  snapshot(name: string): Promise<void>;
  restore(name: string): Promise<void>;
  close(): Promise<void>;
}

export const SNAPSHOT_NAME = /^[A-Za-z0-9_]{1,40}$/;

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

export function snapshotDatabaseName(database: string, name: string): string {
  if (!SNAPSHOT_NAME.test(name)) {
    throw new Error(
      `Invalid snapshot name ${JSON.stringify(name)}: use 1-40 letters, digits or underscores.`,
    );
  }
  return `${database}__snap_${name}`.toLowerCase();
}

/**
 * `adminUrl` must point at another database of the same server (e.g. `postgres`). FILE_COPY
 * copies files instead of WAL-logging every block: much faster for seeded databases, and safe
 * here because the servers run with fsync off anyway.
 */
export async function pgSnapshots(adminUrl: string, database: string): Promise<PgSnapshots> {
  const admin = new pg.Client({ connectionString: adminUrl });
  // A server dying mid-suite must fail the next snapshot call, not crash the worker.
  admin.on('error', () => {});
  await admin.connect();
  const { rows } = await admin.query(
    "SELECT current_setting('server_version') AS v, current_setting('server_version_num')::int AS n",
  );
  const serverVersion = rows[0].v as string;
  const version = rows[0].n as number;
  const strategy = version >= 150000 ? ' STRATEGY = FILE_COPY' : '';
  const taken = new Set<string>();

  const terminate = (db: string) =>
    admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [db],
    );

  return {
    serverVersion,
    async snapshot(name) {
      const snap = snapshotDatabaseName(database, name);
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(snap)}`);
      await terminate(database);
      await admin.query(
        `CREATE DATABASE ${quoteIdent(snap)} TEMPLATE ${quoteIdent(database)}${strategy}`,
      );
      taken.add(snap);
    },
    async restore(name) {
      const snap = snapshotDatabaseName(database, name);
      if (!taken.has(snap)) {
        const known = [...taken].map((s) => s.slice(`${database}__snap_`.length));
        throw new Error(
          `No snapshot named ${JSON.stringify(name)} for database ${database}. Taken so far: ${known.join(', ') || 'none'}.`,
        );
      }
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
      await admin.query(
        `CREATE DATABASE ${quoteIdent(database)} TEMPLATE ${quoteIdent(snap)}${strategy}`,
      );
    },
    async close() {
      await admin.end().catch(() => {});
    },
  };
}
