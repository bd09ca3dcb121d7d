/**
 * A fixed-size hash table of numeric rows in one SharedArrayBuffer, shared by every
 * worker thread of a gateway (the main thread creates it, workers attach to the same
 * memory), so counters are exact across threads: no double admission, no lost update.
 *
 * Layout: a control block (the lock word, the key arena's fill), then `slots` rows of
 * `3 + fields` float64 (key hash, key offset, key length, then the caller's fields),
 * then the key arena (UTF-16 code units). Open addressing with linear probing; a key's
 * text is kept so that hash collisions are told apart and the admin side can list
 * the rows. Rows are never deleted (counters of old windows are reset in place when
 * reused), so a table sized for its keys never fills; when it does, `slotOf` answers
 * -1 and the caller decides (quotas treat it as a store failure).
 *
 * All row reads and writes must happen inside `mutex.with(...)`.
 */
import { SharedMutex } from "./shared-mutex.js";

/** What a worker thread needs to attach to a table (structured-cloneable: postMessage it). */
export interface SharedTableBuffers {
  readonly buffer: SharedArrayBuffer;
  readonly slots: number;
  readonly fields: number;
  readonly arenaChars: number;
}

export interface SharedTableSize {
  /** Rows (distinct keys) the table can hold. */
  readonly slots: number;
  /** Numeric fields per row. */
  readonly fields: number;
  /** Total characters of all keys together. */
  readonly arenaChars: number;
}

const CONTROL_BYTES = 64;
const HEAD = 3; // hash, key offset, key length
const ARENA_FILL = 1; // Int32 index in the control block

export class SharedTable {
  readonly buffers: SharedTableBuffers;
  readonly mutex: SharedMutex;
  readonly fields: number;
  readonly #control: Int32Array;
  readonly #rows: Float64Array;
  readonly #arena: Uint16Array;
  readonly #slots: number;
  readonly #stride: number;

  /** Allocates a new table (the main thread). */
  static create(size: SharedTableSize): SharedTable {
    if (!Number.isInteger(size.slots) || size.slots < 1 || !Number.isInteger(size.fields) || size.fields < 1) throw new Error("invalid shared table size");
    const bytes = CONTROL_BYTES + size.slots * (HEAD + size.fields) * 8 + size.arenaChars * 2;
    return new SharedTable({ buffer: new SharedArrayBuffer(bytes), slots: size.slots, fields: size.fields, arenaChars: size.arenaChars });
  }

  /** Attaches to a table another thread created. */
  static attach(buffers: SharedTableBuffers): SharedTable {
    return new SharedTable(buffers);
  }

  private constructor(buffers: SharedTableBuffers) {
    this.buffers = buffers;
    this.fields = buffers.fields;
    this.#slots = buffers.slots;
    this.#stride = HEAD + buffers.fields;
    this.#control = new Int32Array(buffers.buffer, 0, CONTROL_BYTES / 4);
    this.#rows = new Float64Array(buffers.buffer, CONTROL_BYTES, buffers.slots * this.#stride);
    this.#arena = new Uint16Array(buffers.buffer, CONTROL_BYTES + buffers.slots * this.#stride * 8, buffers.arenaChars);
    this.mutex = new SharedMutex(this.#control, 0);
  }

  /** The row of `key`; with `create`, a new zeroed row when absent. -1: absent, or the table is full. Under the lock. */
  slotOf(key: string, create: boolean): number {
    const hash = hashKey(key);
    const rows = this.#rows;
    const n = this.#slots;
    let slot = hash % n;
    for (let probes = 0; probes < n; probes++) {
      const base = slot * this.#stride;
      const h = rows[base]!;
      if (h === 0) {
        if (!create) return -1;
        const fill = this.#control[ARENA_FILL]!;
        if (fill + key.length > this.#arena.length) return -1;
        for (let i = 0; i < key.length; i++) this.#arena[fill + i] = key.charCodeAt(i);
        this.#control[ARENA_FILL] = fill + key.length;
        rows[base + 1] = fill;
        rows[base + 2] = key.length;
        rows.fill(0, base + HEAD, base + this.#stride);
        // The hash last: a row with a hash is complete.
        rows[base] = hash;
        return slot;
      }
      if (h === hash && this.#keyEquals(base, key)) return slot;
      slot = slot + 1 === n ? 0 : slot + 1;
    }
    return -1;
  }

  get(slot: number, field: number): number {
    return this.#rows[slot * this.#stride + HEAD + field]!;
  }

  set(slot: number, field: number, value: number): void {
    this.#rows[slot * this.#stride + HEAD + field] = value;
  }

  /** Every row whose key starts with `prefix`, with a copy of its fields. Under the lock. */
  scan(prefix: string): { key: string; values: number[] }[] {
    const out: { key: string; values: number[] }[] = [];
    for (let slot = 0; slot < this.#slots; slot++) {
      const base = slot * this.#stride;
      if (this.#rows[base] === 0) continue;
      const key = this.#keyAt(base);
      if (!key.startsWith(prefix)) continue;
      out.push({ key, values: Array.from(this.#rows.subarray(base + HEAD, base + this.#stride)) });
    }
    return out;
  }

  /** Rows in use, for metrics and tests. Under the lock. */
  get used(): number {
    let used = 0;
    for (let slot = 0; slot < this.#slots; slot++) if (this.#rows[slot * this.#stride] !== 0) used++;
    return used;
  }

  #keyEquals(base: number, key: string): boolean {
    const offset = this.#rows[base + 1]!;
    if (this.#rows[base + 2] !== key.length) return false;
    for (let i = 0; i < key.length; i++) if (this.#arena[offset + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  #keyAt(base: number): string {
    const offset = this.#rows[base + 1]!;
    const length = this.#rows[base + 2]!;
    let key = "";
    for (let i = 0; i < length; i += 4096) key += String.fromCharCode(...this.#arena.subarray(offset + i, offset + Math.min(length, i + 4096)));
    return key;
  }
}

/** A non-zero 52-bit hash of a string (two FNV-1a 32-bit lanes), exact in a float64. */
export function hashKey(key: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 12) * 0x100000000 + (b >>> 0) + 1;
}
