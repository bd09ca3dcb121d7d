/**
 * Delivery of usage records to one durable store (PostgreSQL rows, fleet ledger
 * increments): records gather in memory and are written in batches every `flushMs`
 * (or as soon as a batch is full); a batch the store does not take goes to the
 * on-disk spool and is replayed, oldest first, once the store answers again. While
 * anything waits in the spool, new batches queue behind it (so a store that applies
 * records by sequence never sees a later one before an earlier one).
 *
 * Records are never dropped silently: when the spool is full or the disk refuses,
 * they stay in memory (up to `memoryMax`), and only past that are they dropped, each
 * one counted (`dropped`) and logged. The bound on loss at a crash is the flush
 * interval: what was not yet written or spooled (fsynced) when the process died.
 */
import { log } from "../base/log.js";
import type { Spool } from "./spool.js";

export interface OutboxSink<T> {
  /** Writes a batch; rejects when the store cannot take it (nothing or all of it is applied, or applying twice is harmless). */
  write(batch: T[]): Promise<void>;
}

export interface OutboxOptions {
  readonly name: string;
  readonly batch: number;
  readonly flushMs: number;
  /** Records kept in memory when neither the store nor the spool takes them. */
  readonly memoryMax: number;
}

/** What an outbox has done, for metrics and readiness. */
export interface OutboxCounts {
  written: number;
  spooled: number;
  replayed: number;
  dropped: number;
}

const REPLAY_EVERY_MS = 1000;

export class Outbox<T> {
  readonly name: string;
  readonly counts: OutboxCounts = { written: 0, spooled: 0, replayed: 0, dropped: 0 };
  readonly #sink: OutboxSink<T>;
  readonly #spool: Spool<T> | null;
  readonly #opts: OutboxOptions;
  #queue: T[] = [];
  /** Records neither written nor spooled (store down and spool full or unwritable). */
  #held: T[] = [];
  #flushing: Promise<void> | null = null;
  #replaying = false;
  #spoolWaiting = false;
  #timer: NodeJS.Timeout;
  #replayTimer: NodeJS.Timeout;
  #lastError = "";
  #storeUp = true;
  #closed = false;

  constructor(sink: OutboxSink<T>, spool: Spool<T> | null, opts: OutboxOptions) {
    this.name = opts.name;
    this.#sink = sink;
    this.#spool = spool;
    this.#opts = opts;
    this.#timer = setInterval(() => void this.flush(), opts.flushMs);
    this.#timer.unref();
    this.#replayTimer = setInterval(() => void this.#replay(), REPLAY_EVERY_MS);
    this.#replayTimer.unref();
    if (spool !== null) void spool.hasSegments().then((has) => (this.#spoolWaiting ||= has));
  }

  add(record: T): void {
    this.#queue.push(record);
    if (this.#queue.length >= this.#opts.batch) void this.flush();
  }

  /** Whether the store took the last batch sent to it. */
  get storeUp(): boolean {
    return this.#storeUp;
  }

  get lastError(): string {
    return this.#lastError;
  }

  /** Records not yet in the store: queued, held in memory, spooled. */
  get pending(): number {
    return this.#queue.length + this.#held.length + (this.#spool?.pending ?? 0);
  }

  get spoolBytes(): number {
    return this.#spool?.bytes ?? 0;
  }

  /** True when records are held in memory because the spool cannot take them (they would be lost at a crash). */
  get overflowing(): boolean {
    return this.#held.length > 0;
  }

  /** Writes (or spools) what is queued now. One flush at a time. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flush().finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#held.length > 0) {
      const batch = [...this.#held, ...this.#queue.splice(0, this.#opts.batch)].slice(0, Math.max(this.#opts.batch, this.#held.length));
      this.#held = [];
      if (this.#spoolWaiting || this.#replaying) {
        await this.#toSpool(batch);
        if (this.#held.length > 0) return;
        continue;
      }
      try {
        await this.#sink.write(batch);
        this.counts.written += batch.length;
        this.#storeUp = true;
      } catch (err) {
        this.#storeDown(err);
        await this.#toSpool(batch);
        if (this.#held.length > 0) return;
      }
    }
  }

  async #toSpool(batch: T[]): Promise<void> {
    if (this.#spool !== null && (await this.#spool.append(batch))) {
      this.counts.spooled += batch.length;
      this.#spoolWaiting = true;
      return;
    }
    const room = Math.max(0, this.#opts.memoryMax - this.#held.length);
    const kept = batch.slice(0, room);
    const lost = batch.length - kept.length;
    this.#held.push(...kept);
    if (lost > 0) {
      this.counts.dropped += lost;
      log("error", "usage records dropped: the store, the spool and the memory bound are all full", {
        sink: this.name,
        dropped: lost,
        total: this.counts.dropped,
        error: this.#lastError,
      });
    }
  }

  async #replay(): Promise<void> {
    if (this.#replaying || this.#spool === null || !this.#spoolWaiting || this.#closed) return;
    this.#replaying = true;
    try {
      for (;;) {
        const n = await this.#spool.replayOne((batch) => this.#sink.write(batch), this.#opts.batch);
        if (n === 0) break;
        this.counts.replayed += n;
        this.#storeUp = true;
        log("info", "spooled usage records replayed", { sink: this.name, records: n });
      }
      this.#spoolWaiting = false;
    } catch (err) {
      this.#storeDown(err);
    } finally {
      this.#replaying = false;
    }
  }

  #storeDown(err: unknown): void {
    const text = err instanceof Error ? err.message || err.name : String(err);
    if (this.#storeUp) log("warn", "usage store unavailable: records go to the spool", { sink: this.name, error: text });
    this.#storeUp = false;
    this.#lastError = text;
  }

  /** Flushes what is queued (to the store, or the spool), then stops. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    clearInterval(this.#replayTimer);
    await this.#flushing;
    await this.flush();
    this.#closed = true;
    if (this.#held.length > 0) {
      this.counts.dropped += this.#held.length;
      log("error", "usage records lost at shutdown: neither the store nor the spool took them", { sink: this.name, dropped: this.#held.length });
    }
  }
}
