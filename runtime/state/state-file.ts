/**
 * The in-process state on disk: the shared tables (local quota counters, the local
 * usage ledger) written to `<dir>/state.json` every `snapshotMs` and on shutdown,
 * and read back on start, so a restart or a deploy does not reset a local budget.
 *
 * Writes are atomic: the snapshot goes to a temporary file, is fsynced, renamed over
 * the old one, and the directory is fsynced, so a crash at any moment leaves either
 * the previous snapshot or the new one, never a torn file. A crash (kill -9, OOM,
 * power) loses what was counted since the last snapshot: at most `snapshotMs` plus
 * the time one write takes. A graceful shutdown drains requests first, then writes,
 * so it loses nothing.
 *
 * Rows are restored as they were, window starts included: a counter whose window has
 * ended meanwhile reads as empty (each store compares windows), a token bucket
 * refills from the time it was saved. Reservations of requests in flight at a crash
 * stay counted (the safe side for a budget).
 *
 * One directory belongs to one gateway process: a lock file with the owner's pid
 * refuses a second live process on the same directory.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import { join } from "node:path";
import { log } from "../base/log.js";
import type { SharedTable } from "./shared-table.js";

const FORMAT = 1;
const FILE = "state.json";
const LOCK = "gateway.lock";

interface SnapshotFile {
  readonly format: number;
  readonly savedAt: number;
  readonly tables: Record<string, { key: string; values: number[] }[]>;
}

/** The tables persisted, by a stable name (the file keys rows by it). */
export type PersistedTables = Readonly<Record<string, SharedTable>>;

export class StateFile {
  readonly dir: string;
  readonly #tables: PersistedTables;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | null = null;
  #writing: Promise<void> | null = null;
  #closed = false;
  /** Wall-clock ms of the last completed write (0: none yet). */
  lastSavedAt = 0;

  constructor(dir: string, intervalMs: number, tables: PersistedTables) {
    this.dir = dir;
    this.#intervalMs = intervalMs;
    this.#tables = tables;
  }

  /**
   * Takes the directory (creating it, refusing one a live process holds), restores
   * the last snapshot into the tables and starts the periodic writes. Throws on a
   * directory that cannot be used: a configured persistence that silently did not
   * persist would be worse than not starting.
   */
  open(): { restored: number; savedAt: number | null } {
    mkdirSync(this.dir, { recursive: true });
    takeLock(join(this.dir, LOCK));
    const restored = this.#restore();
    this.#timer = setInterval(() => void this.save(), this.#intervalMs);
    this.#timer.unref();
    return restored;
  }

  #restore(): { restored: number; savedAt: number | null } {
    const path = join(this.dir, FILE);
    if (!existsSync(path)) return { restored: 0, savedAt: null };
    let file: SnapshotFile;
    try {
      file = JSON.parse(readFileSync(path, "utf8")) as SnapshotFile;
      if (file.format !== FORMAT || typeof file.tables !== "object") throw new Error(`unknown state format ${String(file.format)}`);
    } catch (err) {
      // A snapshot is only ever replaced whole (rename), so this is a file someone else wrote: keep it for inspection, start empty.
      const aside = `${path}.unreadable-${Date.now()}`;
      renameSync(path, aside);
      log("error", "state file unreadable: starting from empty counters", { file: path, movedTo: aside, error: err instanceof Error ? err.message : String(err) });
      return { restored: 0, savedAt: null };
    }
    let restored = 0;
    for (const [name, table] of Object.entries(this.#tables)) {
      const rows = file.tables[name] ?? [];
      table.mutex.with(() => {
        for (const row of rows) {
          const slot = table.slotOf(row.key, true);
          if (slot < 0) break;
          const n = Math.min(row.values.length, table.fields);
          for (let f = 0; f < n; f++) table.set(slot, f, Number(row.values[f]) || 0);
          restored++;
        }
      });
    }
    return { restored, savedAt: file.savedAt };
  }

  #snapshot(): string {
    const tables: SnapshotFile["tables"] = {};
    for (const [name, table] of Object.entries(this.#tables)) tables[name] = table.mutex.with(() => table.scan(""));
    return JSON.stringify({ format: FORMAT, savedAt: Date.now(), tables } satisfies SnapshotFile);
  }

  /** Writes a snapshot (asynchronously; one at a time). */
  save(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#writing !== null) return this.#writing;
    const body = this.#snapshot();
    this.#writing = writeAtomic(this.dir, body)
      .then(() => {
        this.lastSavedAt = Date.now();
      })
      .catch((err: unknown) => log("error", "state file not written", { dir: this.dir, error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        this.#writing = null;
      });
    return this.#writing;
  }

  /** The last write, synchronously (shutdown, after requests have drained), then releases the directory. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#timer !== null) clearInterval(this.#timer);
    await this.#writing;
    this.#closed = true;
    try {
      writeAtomicSync(this.dir, this.#snapshot());
      this.lastSavedAt = Date.now();
    } catch (err) {
      log("error", "state file not written at shutdown", { dir: this.dir, error: err instanceof Error ? err.message : String(err) });
    }
    rmSync(join(this.dir, LOCK), { force: true });
  }
}

async function writeAtomic(dir: string, body: string): Promise<void> {
  const tmp = join(dir, `${FILE}.tmp`);
  const handle = await open(tmp, "w");
  try {
    await handle.writeFile(body);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, join(dir, FILE));
  const d = await open(dir, "r");
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

function writeAtomicSync(dir: string, body: string): void {
  const tmp = join(dir, `${FILE}.tmp`);
  const fd = openSync(tmp, "w");
  try {
    writeFileSync(fd, body);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, FILE));
  const d = openSync(dir, "r");
  try {
    fsyncSync(d);
  } finally {
    closeSync(d);
  }
}

/** Takes `<dir>/gateway.lock`, or throws when a live process other than this one holds it (a dead owner's lock is taken over). */
function takeLock(path: string): void {
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new Error(`stores.local.dir ${path.slice(0, -LOCK.length - 1)} is in use by process ${pid}: give each gateway process its own directory`);
    }
  }
  writeFileSync(path, String(process.pid));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
