/**
 * Where heartbeats are recorded: the last one of each amphora, written only when it is newer than the one held, so
 * that any number of stateless listeners may share one store and a replayed datagram never refreshes an amphora.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Heartbeat } from '../../agent/heartbeat';

/** The last heartbeat of an amphora, and when a listener received it. */
export interface HeartbeatRecord {
  amphoraId: string;
  seq: number;
  sentAt: number;
  receivedAt: number;
  heartbeat: Heartbeat;
}

/** A store of last heartbeats (see the file's comment). */
export interface HeartbeatStore {
  /** Records the heartbeat unless the store holds one as new or newer: then it is a replay. */
  record(heartbeat: Heartbeat, receivedAt: number): 'recorded' | 'replayed';
  last(amphoraId: string): HeartbeatRecord | undefined;
  /** Every amphora's last heartbeat (the health manager's detection reads these). */
  all(): HeartbeatRecord[];
  /**
   * Replaces the set of watched amphorae (those the health manager found serving), keeping when each began to be
   * watched, and forgets the heartbeats of amphorae no longer in it (deleted or replaced: their datagrams are dropped
   * from now on).
   *
   * @returns when each watched amphora began to be watched (ms since the epoch).
   */
  watch(amphoraIds: readonly string[], now: number): Map<string, number>;
  /** Whether the amphora is watched: the listener drops every other amphora's heartbeats. */
  isWatched(amphoraId: string): boolean;
  close(): void;
}

/** In one process. */
export class MemoryHeartbeatStore implements HeartbeatStore {
  private readonly records = new Map<string, HeartbeatRecord>();
  private watched = new Map<string, number>();

  record(heartbeat: Heartbeat, receivedAt: number): 'recorded' | 'replayed' {
    const held = this.records.get(heartbeat.id);
    if (held && held.seq >= heartbeat.seq) return 'replayed';
    this.records.set(heartbeat.id, {
      amphoraId: heartbeat.id,
      seq: heartbeat.seq,
      sentAt: heartbeat.sentAt,
      receivedAt,
      heartbeat,
    });
    return 'recorded';
  }

  last(amphoraId: string): HeartbeatRecord | undefined {
    return this.records.get(amphoraId);
  }

  all(): HeartbeatRecord[] {
    return [...this.records.values()];
  }

  watch(amphoraIds: readonly string[], now: number): Map<string, number> {
    const next = new Map(amphoraIds.map((id) => [id, this.watched.get(id) ?? now]));
    this.watched = next;
    for (const id of this.records.keys()) if (!next.has(id)) this.records.delete(id);
    return new Map(next);
  }

  isWatched(amphoraId: string): boolean {
    return this.watched.has(amphoraId);
  }

  close(): void {}
}

/**
 * In a SQLite file that several listener processes share: one conditional upsert per heartbeat, so two listeners
 * receiving the same datagram record it once, and the older of two heartbeats never overwrites the newer.
 */
export class SqliteHeartbeatStore implements HeartbeatStore {
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  private readonly one: Database.Statement;
  private readonly every: Database.Statement;
  private readonly watchedOne: Database.Statement;
  private readonly replaceWatched: (amphoraIds: readonly string[], now: number) => Map<string, number>;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS heartbeats (amphora_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, sent_at INTEGER NOT NULL, received_at INTEGER NOT NULL, body TEXT NOT NULL)',
    );
    this.upsert = this.db.prepare(
      'INSERT INTO heartbeats (amphora_id, seq, sent_at, received_at, body) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT (amphora_id) DO UPDATE SET seq = excluded.seq, sent_at = excluded.sent_at, ' +
        'received_at = excluded.received_at, body = excluded.body WHERE excluded.seq > heartbeats.seq',
    );
    this.one = this.db.prepare('SELECT * FROM heartbeats WHERE amphora_id = ?');
    this.every = this.db.prepare('SELECT * FROM heartbeats');
    this.db.exec('CREATE TABLE IF NOT EXISTS watched (amphora_id TEXT PRIMARY KEY, since INTEGER NOT NULL)');
    this.watchedOne = this.db.prepare('SELECT 1 FROM watched WHERE amphora_id = ?');
    this.db.exec('CREATE TEMP TABLE IF NOT EXISTS watched_next (amphora_id TEXT PRIMARY KEY)');
    const clear = this.db.prepare('DELETE FROM watched_next');
    const add = this.db.prepare('INSERT OR IGNORE INTO watched_next (amphora_id) VALUES (?)');
    const dropGone = this.db.prepare(
      'DELETE FROM watched WHERE amphora_id NOT IN (SELECT amphora_id FROM watched_next)',
    );
    const addNew = this.db.prepare(
      'INSERT OR IGNORE INTO watched (amphora_id, since) SELECT amphora_id, ? FROM watched_next',
    );
    const forget = this.db.prepare('DELETE FROM heartbeats WHERE amphora_id NOT IN (SELECT amphora_id FROM watched)');
    const since = this.db.prepare('SELECT amphora_id, since FROM watched');
    // One transaction: a listener never sees half a set (and never drops a watched amphora's heartbeat meanwhile).
    this.replaceWatched = this.db.transaction((amphoraIds: readonly string[], now: number) => {
      clear.run();
      for (const id of amphoraIds) add.run(id);
      dropGone.run();
      addNew.run(now);
      forget.run();
      return new Map(
        (since.all() as { amphora_id: string; since: number }[]).map((row) => [row.amphora_id, row.since]),
      );
    });
  }

  watch(amphoraIds: readonly string[], now: number): Map<string, number> {
    return this.replaceWatched(amphoraIds, now);
  }

  isWatched(amphoraId: string): boolean {
    return this.watchedOne.get(amphoraId) !== undefined;
  }

  record(heartbeat: Heartbeat, receivedAt: number): 'recorded' | 'replayed' {
    const { changes } = this.upsert.run(
      heartbeat.id,
      heartbeat.seq,
      heartbeat.sentAt,
      receivedAt,
      JSON.stringify(heartbeat),
    );
    return changes > 0 ? 'recorded' : 'replayed';
  }

  last(amphoraId: string): HeartbeatRecord | undefined {
    const row = this.one.get(amphoraId) as Row | undefined;
    return row && toRecord(row);
  }

  all(): HeartbeatRecord[] {
    return (this.every.all() as Row[]).map(toRecord);
  }

  close(): void {
    this.db.close();
  }
}

interface Row {
  amphora_id: string;
  seq: number;
  sent_at: number;
  received_at: number;
  body: string;
}

function toRecord(row: Row): HeartbeatRecord {
  return {
    amphoraId: row.amphora_id,
    seq: row.seq,
    sentAt: row.sent_at,
    receivedAt: row.received_at,
    heartbeat: JSON.parse(row.body) as Heartbeat,
  };
}

/** Opens (and makes, with its folder) the SQLite heartbeat store at `file`. */
export function openHeartbeatStore(file: string): SqliteHeartbeatStore {
  mkdirSync(dirname(file), { recursive: true });
  return new SqliteHeartbeatStore(file);
}
