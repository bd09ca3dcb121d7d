/**
 * A bounded on-disk queue of records a store could not take yet (PostgreSQL down,
 * Redis down): JSON lines in segment files under one directory, oldest first. A sink
 * appends what it could not write and replays segments, oldest first, once its store
 * answers again; a segment is deleted only after every record in it was written.
 * Sinks write idempotently (keyed by request id or by sequence), so a segment replayed
 * twice after a crash counts once.
 *
 * Bounded by `maxBytes`: past it (or when the disk is full) `append` answers false and
 * the caller keeps the records in memory, counts them and says so in the log: records
 * are never dropped silently. Segments left by a process that died are picked up by
 * the next one that opens the directory.
 *
 * With a sealer (`stores.encryptionKeys`) each line is sealed (base64, bound to the
 * spool's name), so usage records never sit on disk in clear; lines written before
 * encryption was turned on (plain JSON) are still replayed.
 */
import { open, readFile, readdir, rm, stat } from "node:fs/promises";
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { threadId } from "node:worker_threads";
import type { Sealer } from "../base/sealer.js";

/** A segment is closed for appends past this size, so replay reads bounded files. */
const SEGMENT_BYTES = 4 * 1024 * 1024;

export class Spool<T> {
  readonly dir: string;
  readonly maxBytes: number;
  #bytes = 0;
  #current: string | null = null;
  #currentBytes = 0;
  #seq = 0;
  #records = 0;
  readonly #sealer: Sealer | null;
  readonly #name: string;

  constructor(dir: string, maxBytes: number, sealer: Sealer | null = null) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.#sealer = sealer;
    this.#name = `spool:${basename(dir)}`;
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir)) if (name.endsWith(".jsonl")) this.#bytes += statSync(join(dir, name)).size;
  }

  /** Bytes on disk now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Records appended since start that are not yet replayed (an estimate across restarts: segments found at start count by size only). */
  get pending(): number {
    return this.#records;
  }

  /** Whether segments are waiting to be replayed. */
  async hasSegments(): Promise<boolean> {
    return (await this.#segments()).length > 0;
  }

  /** Appends records; false when the spool is full or the disk refuses (nothing was written then). */
  async append(records: readonly T[]): Promise<boolean> {
    if (records.length === 0) return true;
    const sealer = this.#sealer;
    const body = records.map((r) => (sealer === null ? JSON.stringify(r) : sealer.sealText(JSON.stringify(r), this.#name))).join("\n") + "\n";
    const size = Buffer.byteLength(body);
    if (this.#bytes + size > this.maxBytes) return false;
    if (this.#current === null || this.#currentBytes + size > SEGMENT_BYTES) {
      this.#current = join(this.dir, `${Date.now().toString().padStart(15, "0")}-${process.pid}-${threadId}-${++this.#seq}.jsonl`);
      this.#currentBytes = 0;
    }
    try {
      // Appended and fsynced: a spooled record survives a crash of the process and of the machine.
      const handle = await open(this.#current, "a");
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch {
      // ENOSPC, EDQUOT, EIO: the caller keeps the records in memory. A partial line is skipped at replay.
      this.#current = null;
      return false;
    }
    this.#bytes += size;
    this.#currentBytes += size;
    this.#records += records.length;
    return true;
  }

  /**
   * Replays the oldest segment through `write` in batches of `batch`; deletes it once
   * every batch was written. Returns the records replayed (0 when there was nothing),
   * or throws what `write` threw (the segment stays).
   */
  async replayOne(write: (records: T[]) => Promise<void>, batch: number): Promise<number> {
    const segments = await this.#segments();
    const oldest = segments[0];
    if (oldest === undefined) return 0;
    const path = join(this.dir, oldest);
    // The segment being appended to is closed first, so nothing is added to a file while it is replayed.
    if (path === this.#current) this.#current = null;
    const records: T[] = [];
    for (const line of (await readFile(path, "utf8")).split("\n")) {
      if (line === "") continue;
      try {
        const text = line.startsWith("{") ? line : this.#sealer?.openText(line, this.#name);
        // A sealed line no key opens (keys removed too early) cannot be replayed: JSON.parse throws and it is skipped like a torn line.
        records.push(JSON.parse(text ?? "") as T);
      } catch {
        // A line torn by a crash mid-append: the record in it was also kept in memory and written, or it is lost with the process.
      }
    }
    for (let i = 0; i < records.length; i += batch) await write(records.slice(i, i + batch));
    const size = (await stat(path)).size;
    await rm(path, { force: true });
    this.#bytes = Math.max(0, this.#bytes - size);
    this.#records = Math.max(0, this.#records - records.length);
    return records.length;
  }

  async #segments(): Promise<string[]> {
    return (await readdir(this.dir)).filter((n) => n.endsWith(".jsonl")).sort();
  }
}
