import type { CollectionName, NoopCollections } from './records';

/** Reads inside one consistent snapshot of a {@link NoopStore}. */
export interface ReadTransaction {
  get<C extends CollectionName>(collection: C, id: string): NoopCollections[C] | undefined;
  list<C extends CollectionName>(collection: C): NoopCollections[C][];
}

/** Reads and writes inside one atomic transaction of a {@link NoopStore}. */
export interface StoreTransaction extends ReadTransaction {
  put<C extends CollectionName>(collection: C, id: string, record: NoopCollections[C]): void;
  /** @returns whether a record was removed. */
  delete(collection: CollectionName, id: string): boolean;
  /** The next value of a named counter, starting at 1; survives restarts of a SQLite store. */
  next(counter: string): number;
}

/**
 * Where the noop drivers keep the state of their pretend cloud. Every change runs in `transact`, which is atomic:
 * within one process for the memory store, across processes for the SQLite store.
 */
export interface NoopStore {
  transact<T>(body: (tx: StoreTransaction) => T): T;
  /**
   * Reads without taking the write lock: a booting amphora is looked at many times a second in a storm, and each
   * look would otherwise queue behind every process's writes.
   */
  read<T>(body: (tx: ReadTransaction) => T): T;
  close(): void;
}

/** Keeps state in this process. Records are copied in and out, so callers never share mutable objects with it. */
export class MemoryNoopStore implements NoopStore {
  private readonly collections = new Map<CollectionName, Map<string, unknown>>();

  transact<T>(body: (tx: StoreTransaction) => T): T {
    // A failed transaction must leave nothing behind, as SQLite's would: remember each record's value before its
    // first change and put them back if the body throws.
    const undo: { records: Map<string, unknown>; id: string; previous: unknown }[] = [];
    const touched = new Set<string>();
    const remember = (collection: CollectionName, records: Map<string, unknown>, id: string) => {
      const key = `${collection}\u0000${id}`;
      if (touched.has(key)) return;
      touched.add(key);
      undo.push({ records, id, previous: records.get(id) });
    };
    try {
      return body(this.transaction(remember));
    } catch (err) {
      for (const { records, id, previous } of undo.reverse()) {
        if (previous === undefined) records.delete(id);
        else records.set(id, previous);
      }
      throw err;
    }
  }

  read<T>(body: (tx: ReadTransaction) => T): T {
    return body(this.transaction(() => undefined));
  }

  close(): void {
    this.collections.clear();
  }

  private records(collection: CollectionName): Map<string, unknown> {
    let found = this.collections.get(collection);
    if (!found) this.collections.set(collection, (found = new Map<string, unknown>()));
    return found;
  }

  private transaction(
    remember: (collection: CollectionName, records: Map<string, unknown>, id: string) => void,
  ): StoreTransaction {
    const write = (collection: CollectionName, id: string, record: unknown) => {
      const records = this.records(collection);
      remember(collection, records, id);
      if (record === undefined) return records.delete(id);
      records.set(id, structuredClone(record));
      return true;
    };
    return {
      get: <C extends CollectionName>(collection: C, id: string) => {
        const record = this.records(collection).get(id);
        return record === undefined ? undefined : (structuredClone(record) as NoopCollections[C]);
      },
      put: (collection, id, record) => {
        write(collection, id, record);
      },
      delete: (collection, id) => this.records(collection).has(id) && write(collection, id, undefined),
      list: <C extends CollectionName>(collection: C) =>
        [...this.records(collection).values()].map((record) => structuredClone(record) as NoopCollections[C]),
      next: (counter) => {
        const value = ((this.records('counters').get(counter) as { value: number } | undefined)?.value ?? 0) + 1;
        write('counters', counter, { value });
        return value;
      },
    };
  }
}
