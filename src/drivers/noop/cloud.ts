import { randomUUID } from 'node:crypto';
import type { FixedIp, Network, Subnet } from '../../models';
import { ipv4HostRange, ipv4InCidr, numberToIpv4, usableIpv4Count } from './addresses';
import type { JournalEntry, NoopCollections, PortRecord, ResourceKind } from './records';
import type { NetworkSeed } from './seed';
import type { NoopStore, ReadTransaction, StoreTransaction } from './store';

const COLLECTION_OF = {
  server: 'servers',
  serverGroup: 'serverGroups',
  port: 'ports',
  securityGroup: 'securityGroups',
} as const satisfies Record<ResourceKind, keyof NoopCollections>;
type RecordOf<K extends ResourceKind> = NoopCollections[(typeof COLLECTION_OF)[K]];

/** Why an address could not be handed out; the drivers turn it into their own error. */
export class AddressUnavailable extends Error {
  constructor(
    readonly subnetId: string,
    readonly reason: string,
  ) {
    super(`subnet ${subnetId}: ${reason}`);
  }
}

/** One live resource of the noop cloud, as `inventory()` lists it. */
export interface InventoryItem {
  kind: ResourceKind;
  id: string;
  name: string;
}

/**
 * The pretend cloud behind the noop drivers: state operations shared by the compute and network sides, each run
 * inside a store transaction. Every create and delete is journaled, so tests can prove that nothing was created or
 * deleted twice, and every resource can be listed for leak checks.
 */
export class NoopCloud {
  constructor(
    readonly store: NoopStore,
    readonly now: () => number = Date.now,
  ) {}

  transact<T>(body: (tx: StoreTransaction) => T): T {
    return this.store.transact(body);
  }

  /** Reads only: see {@link NoopStore.read}. */
  read<T>(body: (tx: ReadTransaction) => T): T {
    return this.store.read(body);
  }

  /** Adds networks and subnets unless they exist already (several processes may seed one SQLite file). */
  seedNetworks(seeds: readonly NetworkSeed[]): void {
    this.transact((tx) => {
      for (const { network, subnets } of seeds) {
        if (tx.get('networks', network.id)) continue;
        const full: Network = { ...network, subnetIds: subnets.map((subnet) => subnet.id) };
        tx.put('networks', network.id, full);
        for (const subnet of subnets) {
          ipv4HostRange(subnet.cidr); // rejects a CIDR the noop cloud cannot allocate from, at seeding time
          const record: Subnet = { ...subnet, networkId: network.id, hostRoutes: [] };
          tx.put('subnets', subnet.id, record);
        }
      }
    });
  }

  newId(): string {
    return randomUUID();
  }

  findByName<K extends ResourceKind>(tx: ReadTransaction, kind: K, name: string): RecordOf<K> | undefined {
    const entry = tx.get('names', `${kind}:${name}`);
    return entry ? tx.get<(typeof COLLECTION_OF)[K]>(COLLECTION_OF[kind], entry.id) : undefined;
  }

  create<K extends ResourceKind>(tx: StoreTransaction, kind: K, id: string, name: string, record: RecordOf<K>): void {
    tx.put(COLLECTION_OF[kind], id, record as never);
    if (kind === 'port') this.indexPort(tx, id, undefined, record as PortRecord);
    if (name) tx.put('names', `${kind}:${name}`, { id });
    this.journal(tx, kind, id, name, 'created');
  }

  update<K extends ResourceKind>(tx: StoreTransaction, kind: K, id: string, record: RecordOf<K>): void {
    if (kind === 'port') this.indexPort(tx, id, tx.get('ports', id), record as PortRecord);
    tx.put(COLLECTION_OF[kind], id, record as never);
  }

  /** Removes a resource. @returns false when it was already gone (nothing is journaled then). */
  remove(tx: StoreTransaction, kind: ResourceKind, id: string): boolean {
    const record = tx.get(COLLECTION_OF[kind], id) as { name?: string; fixedIps?: FixedIp[] } | undefined;
    if (!record) return false;
    tx.delete(COLLECTION_OF[kind], id);
    const name = record.name ?? '';
    if (name && tx.get('names', `${kind}:${name}`)?.id === id) tx.delete('names', `${kind}:${name}`);
    for (const fixedIp of record.fixedIps ?? []) tx.delete('addresses', `${fixedIp.subnetId}|${fixedIp.ipAddress}`);
    if (kind === 'port') this.indexPort(tx, id, record as PortRecord, undefined);
    this.journal(tx, kind, id, name, 'deleted');
    return true;
  }

  /**
   * Reserves an address on a subnet for a port: `requested` if it is in the subnet and free, else the lowest free
   * one after the last handed out.
   *
   * @throws AddressUnavailable when the subnet is full, or the requested address is outside it or taken.
   */
  allocateAddress(tx: StoreTransaction, subnet: Subnet, portId: string, requested?: string): string {
    if (subnet.ipVersion !== 4) throw new AddressUnavailable(subnet.id, 'the noop cloud allocates IPv4 only');
    const key = (address: string) => `${subnet.id}|${address}`;
    let address = requested;
    if (address !== undefined) {
      if (!ipv4InCidr(address, subnet.cidr) || address === subnet.gatewayIp) {
        throw new AddressUnavailable(subnet.id, `${address} is not a usable address of ${subnet.cidr}`);
      }
      const holder = tx.get('addresses', key(address));
      if (holder && holder.portId !== portId) {
        throw new AddressUnavailable(subnet.id, `${address} is already taken by port ${holder.portId}`);
      }
    } else {
      address = this.nextFreeAddress(tx, subnet);
    }
    tx.put('addresses', key(address), { portId });
    return address;
  }

  private nextFreeAddress(tx: StoreTransaction, subnet: Subnet): string {
    // Probe from where the last allocation stopped, wrapping once; amortised O(1) while the subnet has room.
    const { first, last } = ipv4HostRange(subnet.cidr);
    const hintKey = `hint:${subnet.id}`;
    const hint = tx.get('counters', hintKey)?.value ?? first;
    const free = (value: number) => {
      const address = numberToIpv4(value);
      return address !== subnet.gatewayIp && !tx.get('addresses', `${subnet.id}|${address}`);
    };
    for (const [from, to] of [
      [Math.max(hint, first), last],
      [first, Math.min(hint, last + 1) - 1],
    ] as const) {
      for (let value = from; value <= to; value += 1) {
        if (free(value)) {
          tx.put('counters', hintKey, { value: value + 1 > last ? first : value + 1 });
          return numberToIpv4(value);
        }
      }
    }
    const usable = usableIpv4Count(subnet.cidr, subnet.gatewayIp);
    throw new AddressUnavailable(
      subnet.id,
      `no free address in ${subnet.cidr} (all ${usable} usable addresses are taken)`,
    );
  }

  /** Creates a port with one address on `subnet`. */
  createPort(
    tx: StoreTransaction,
    fields: Omit<PortRecord, 'id' | 'fixedIps' | 'createdAt' | 'allowedAddressPairs' | 'securityGroupIds'> &
      Partial<Pick<PortRecord, 'allowedAddressPairs' | 'securityGroupIds'>>,
    subnet: Subnet,
    requestedAddress?: string,
  ): PortRecord {
    const id = this.newId();
    const ipAddress = this.allocateAddress(tx, subnet, id, requestedAddress);
    const port: PortRecord = {
      allowedAddressPairs: [],
      securityGroupIds: [],
      ...fields,
      id,
      fixedIps: [{ subnetId: subnet.id, ipAddress }],
      macAddress: macFor(id),
      createdAt: this.now(),
    };
    this.create(tx, 'port', id, port.name, port);
    return port;
  }

  /** The ports attached to an instance. */
  portsOf(tx: ReadTransaction, computeId: string): PortRecord[] {
    return this.indexed(tx, `device:${computeId}`);
  }

  /** The ports allowed to answer for `address` (the amphorae a VIP is plugged into). */
  portsAnsweringFor(tx: ReadTransaction, address: string): PortRecord[] {
    return this.indexed(tx, `pair:${address}`);
  }

  private indexed(tx: ReadTransaction, key: string): PortRecord[] {
    return (tx.get('portIndex', key)?.ids ?? []).flatMap((id) => {
      const port = tx.get('ports', id);
      return port ? [port] : [];
    });
  }

  /** Moves a port's index entries from what it was (`before`) to what it is (`after`). */
  private indexPort(tx: StoreTransaction, id: string, before: PortRecord | undefined, after: PortRecord | undefined) {
    const keysOf = (port: PortRecord | undefined) =>
      port
        ? [
            ...(port.deviceId ? [`device:${port.deviceId}`] : []),
            ...port.allowedAddressPairs.map((pair) => `pair:${pair.ipAddress}`),
          ]
        : [];
    const old = keysOf(before);
    const now = keysOf(after);
    for (const key of old.filter((key) => !now.includes(key))) {
      const ids = (tx.get('portIndex', key)?.ids ?? []).filter((known) => known !== id);
      if (ids.length) tx.put('portIndex', key, { ids });
      else tx.delete('portIndex', key);
    }
    for (const key of now.filter((key) => !old.includes(key))) {
      tx.put('portIndex', key, { ids: [...(tx.get('portIndex', key)?.ids ?? []), id] });
    }
  }

  /** Every live resource: servers, server groups, ports and security groups. */
  inventory(): InventoryItem[] {
    return this.transact((tx) =>
      (Object.keys(COLLECTION_OF) as ResourceKind[]).flatMap((kind) =>
        (tx.list(COLLECTION_OF[kind]) as { id?: string; computeId?: string; name: string }[]).map((record) => ({
          kind,
          id: record.id ?? record.computeId ?? '?',
          name: record.name,
        })),
      ),
    ).sort((a, b) => `${a.kind}/${a.name}/${a.id}`.localeCompare(`${b.kind}/${b.name}/${b.id}`));
  }

  journalEntries(): JournalEntry[] {
    return this.transact((tx) => tx.list('journal')).sort((a, b) => a.seq - b.seq);
  }

  private journal(tx: StoreTransaction, kind: ResourceKind, id: string, name: string, effect: JournalEntry['effect']) {
    const seq = tx.next('journal');
    tx.put('journal', String(seq).padStart(10, '0'), { seq, at: this.now(), kind, id, name, effect });
  }
}

/** A stable, locally administered MAC address derived from a port id. */
function macFor(id: string): string {
  const hex = id.replace(/[^0-9a-f]/gi, '').padEnd(10, '0');
  return ['fa', '16', '3e', hex.slice(0, 2), hex.slice(2, 4), hex.slice(4, 6)].join(':').toLowerCase();
}
