import Database from 'better-sqlite3';
import type { CollectionName, NoopCollections } from './records';
import type { NoopStore, ReadTransaction, StoreTransaction } from './store';

/**
 * Keeps the noop cloud in a SQLite file, so that several worker processes (and a test that kills and restarts them)
 * share one consistent state. Changes take SQLite's write lock up front (`BEGIN IMMEDIATE`), so concurrent
 * processes serialise instead of failing on upgrade; reads take none (`BEGIN DEFERRED`), and WAL mode lets them
 * proceed meanwhile.
 */
export class SqliteNoopStore implements NoopStore {
  private readonly db: Database.Database;
  private readonly statements: {
    get: Database.Statement<[string, string], { body: string }>;
    put: Database.Statement<[string, string, string]>;
    delete: Database.Statement<[string, string]>;
    list: Database.Statement<[string], { body: string }>;
  };
  private readonly tx: StoreTransaction;
  /** Made once: better-sqlite3 builds a wrapper per `transaction()` call, which a storm's many looks would pay for. */
  private readonly inTransaction: Database.Transaction<(body: (tx: StoreTransaction) => unknown) => unknown>;

  constructor(readonly file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS records (collection TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (collection, id))',
    );
    this.statements = {
      get: this.db.prepare('SELECT body FROM records WHERE collection = ? AND id = ?'),
      put: this.db.prepare('INSERT OR REPLACE INTO records (collection, id, body) VALUES (?, ?, ?)'),
      delete: this.db.prepare('DELETE FROM records WHERE collection = ? AND id = ?'),
      list: this.db.prepare('SELECT body FROM records WHERE collection = ? ORDER BY rowid'),
    };
    this.tx = this.statementsAsTransaction();
    this.inTransaction = this.db.transaction((body: (tx: StoreTransaction) => unknown) => body(this.tx));
  }

  transact<T>(body: (tx: StoreTransaction) => T): T {
    return this.inTransaction.immediate(body) as T;
  }

  read<T>(body: (tx: ReadTransaction) => T): T {
    // A deferred transaction: one snapshot of the WAL for all its reads, and no write lock.
    return this.inTransaction.deferred(body) as T;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private statementsAsTransaction(): StoreTransaction {
    const { get, put, delete: remove, list } = this.statements;
    return {
      get: <C extends CollectionName>(collection: C, id: string) => {
        const row = get.get(collection, id);
        return row ? (JSON.parse(row.body) as NoopCollections[C]) : undefined;
      },
      put: (collection, id, record) => {
        put.run(collection, id, JSON.stringify(record));
      },
      delete: (collection, id) => remove.run(collection, id).changes > 0,
      list: <C extends CollectionName>(collection: C) =>
        list.all(collection).map((row) => JSON.parse(row.body) as NoopCollections[C]),
      next: (counter) => {
        const current = get.get('counters', counter);
        const value = (current ? (JSON.parse(current.body) as { value: number }).value : 0) + 1;
        put.run('counters', counter, JSON.stringify({ value }));
        return value;
      },
    };
  }
}
