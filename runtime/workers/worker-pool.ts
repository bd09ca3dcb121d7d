/**
 * The main thread's side of `serve --workers N`: starts the serving workers, one
 * client listener each on one port, and speaks the worker protocol with them.
 *
 * Port sharing, as measured on Node 20 / Linux here:
 * - uWS: every worker's app binds the same host:port; uWS sets SO_REUSEPORT on its
 *   listen sockets, so the kernel spreads new connections over the workers.
 * - node:http: Node 20 has no SO_REUSEPORT (`reusePort` arrived in 22.12) and
 *   `exclusive: false` only works across cluster processes, not threads. Worker 0 binds
 *   the port; the others accept on its listening descriptor (`listen({ fd })`; threads
 *   share the process's descriptor table). Every worker's event loop then accepts from
 *   one socket, which the kernel hands to whichever loop wakes first.
 * Worker 0 starts first either way, so `port: 0` resolves to one port for all.
 *
 * Reloads are two-phase so that all workers switch or none does: every worker
 * validates and links the plan ("stage"); only when all succeeded do they "commit",
 * otherwise they drop it and the last good plan keeps serving everywhere.
 */
import { createServer } from "node:net";
import { Worker } from "node:worker_threads";
import { log } from "../base/log.js";
import { assertPortFree } from "../server/port-in-use.js";
import type { StatsDelta } from "../ops/stats/stats-delta.js";
import type { BreakerView } from "../ops/breaker-view.js";
import type { SharedStateSnapshot } from "../state/shared-state-handoff.js";
import type { SharedStateBuffers } from "../state/shared-state.js";
import type { MainToWorker, WorkerStart, WorkerToMain } from "./worker-protocol.js";

export interface WorkerPoolOptions {
  count: number;
  planJson: string;
  shared: SharedStateSnapshot;
  quotaState: SharedStateBuffers;
  host: string;
  port: number;
  server: "uws" | "node";
  /** `--share-port`: bind even when another process listens on the port. */
  sharePort: boolean;
  env: Record<string, string | undefined> | null;
  stats: boolean;
  statsIntervalMs: number;
  /** Receives each worker's statistics delta and its breaker view. */
  onStats: (delta: StatsDelta, breakers: BreakerView, worker: number) => void;
  /** Called when a worker stops unexpectedly (the pool is then unusable for node:http). */
  onCrash: (index: number, error: string) => void;
}

/**
 * The young generation of a worker's heap, in MB. V8's default lets it grow to ~48 MB
 * (16 MB semi-spaces) while modules load and under load, and it stays resident: with
 * this cap each worker beyond the second measured ~25 MB resident after load instead of
 * ~57, and ~24 MB idle instead of ~27, with no difference in CPU per request beyond
 * run-to-run noise (docs/benchmarks.md, "Idle memory"). It is a size for the scavenger,
 * not a limit: what outgrows it is promoted to the old generation.
 */
const WORKER_YOUNG_GENERATION_MB = 4;

/** The worker entry module: next to this file in dist/. */
const ENTRY = new URL("./worker-entry.js", import.meta.url);

class Member {
  readonly worker: Worker;
  readonly index: number;
  #waiters = new Map<string, (m: WorkerToMain) => void>();
  exited = false;

  constructor(index: number, data: WorkerStart, onMessage: (m: WorkerToMain) => void, onExit: (code: number) => void) {
    this.index = index;
    this.worker = new Worker(ENTRY, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    this.worker.on("message", (m: WorkerToMain) => {
      if (m.type === "start-failed") {
        for (const w of this.#waiters.values()) w(m);
        this.#waiters.clear();
        return;
      }
      const key = "id" in m ? `${m.type}:${m.id}` : m.type;
      const waiter = this.#waiters.get(key);
      if (waiter !== undefined) {
        this.#waiters.delete(key);
        waiter(m);
      }
      onMessage(m);
    });
    this.worker.on("error", (err) => log("error", "worker thread failed", { worker: index, error: err.stack ?? err.message }));
    this.worker.on("exit", (code) => {
      this.exited = true;
      for (const w of this.#waiters.values()) w({ type: "start-failed", error: `worker ${index} exited (code ${code})` });
      this.#waiters.clear();
      onExit(code);
    });
  }

  /** Resolves with the next message of this type (and id). */
  next<T extends WorkerToMain["type"]>(type: T, id?: number): Promise<Extract<WorkerToMain, { type: T }> | Extract<WorkerToMain, { type: "start-failed" }>> {
    return new Promise((resolve) => {
      if (this.exited) {
        resolve({ type: "start-failed", error: `worker ${this.index} has exited` });
        return;
      }
      this.#waiters.set(id === undefined ? type : `${type}:${id}`, resolve as (m: WorkerToMain) => void);
    });
  }

  send(m: MainToWorker): void {
    if (!this.exited) this.worker.postMessage(m);
  }
}

export class WorkerPool {
  readonly port: number;
  readonly kind: string;
  readonly #members: Member[];
  #nextId = 1;
  #closing = false;

  private constructor(members: Member[], port: number, kind: string) {
    this.#members = members;
    this.port = port;
    this.kind = kind;
  }

  get size(): number {
    return this.#members.length;
  }

  static async start(opts: WorkerPoolOptions): Promise<WorkerPool> {
    let pool: WorkerPool | null = null;
    const members: Member[] = [];
    const spawn = (index: number, port: number, listenFd: number | null): Member => {
      const data: WorkerStart = {
        index,
        planJson: opts.planJson,
        shared: opts.shared,
        quotaState: opts.quotaState,
        host: opts.host,
        port,
        server: opts.server,
        // uWS workers bind one port together, checked once below; node:http worker 0 binds it alone.
        sharePort: opts.server === "uws" || opts.sharePort,
        listenFd,
        env: opts.env,
        stats: opts.stats,
        statsIntervalMs: opts.statsIntervalMs,
      };
      const member = new Member(
        index,
        data,
        (m) => {
          if (m.type === "stats") opts.onStats(m.delta, m.breakers, index);
        },
        (code) => {
          if (pool !== null && !pool.#closing) opts.onCrash(index, `exit code ${code}`);
        },
      );
      members.push(member);
      return member;
    };
    const fail = async (error: string): Promise<never> => {
      await Promise.all(members.map((m) => m.worker.terminate()));
      throw new Error(error);
    };
    // uWS workers bind the port independently (SO_REUSEPORT), so they start together once
    // the port is known; node:http workers need worker 0's descriptor, so it starts first.
    const port = opts.server === "uws" && opts.port === 0 ? await freePort(opts.host) : opts.port;
    if (opts.server === "uws" && opts.port !== 0 && !opts.sharePort) await assertPortFree(opts.host, port);
    const first = spawn(0, port, null);
    const early = opts.server === "uws" ? Array.from({ length: opts.count - 1 }, (_, i) => spawn(i + 1, port, null).next("ready")) : [];
    const ready = await first.next("ready");
    if (ready.type !== "ready") return fail(ready.error);
    for (const r of await Promise.all(early)) if (r.type !== "ready") return fail(r.error);
    const listenFd = opts.server === "node" ? ready.listenFd : null;
    if (opts.server === "node" && listenFd === null) return fail("node:http worker 0 did not report its listening descriptor");
    const rest = [];
    if (opts.server === "node") for (let i = 1; i < opts.count; i++) rest.push(spawn(i, ready.port, listenFd).next("ready"));
    for (const r of await Promise.all(rest)) if (r.type !== "ready") return fail(r.error);
    pool = new WorkerPool(members, ready.port, `${ready.kind} × ${opts.count} worker threads`);
    return pool;
  }

  /**
   * Every worker validates and links the plan; resolves with commit/abort once all
   * did, rejects (after telling them to drop it) when any failed.
   */
  async stage(planJson: string, shared: SharedStateSnapshot): Promise<{ commit(): Promise<void>; abort(): void }> {
    const id = this.#nextId++;
    const replies = await Promise.all(
      this.#members.map((m) => {
        const reply = m.next("staged", id);
        m.send({ type: "stage", id, planJson, shared });
        return reply;
      }),
    );
    const abort = (): void => {
      for (const m of this.#members) m.send({ type: "abort", id });
    };
    const failed = replies.find((r) => r.type === "start-failed" || (r.type === "staged" && !r.ok));
    if (failed !== undefined) {
      abort();
      throw new Error(failed.type === "start-failed" ? failed.error : failed.ok ? "" : `worker: ${failed.error}`);
    }
    return {
      commit: async () => {
        await Promise.all(
          this.#members.map((m) => {
            const done = m.next("committed", id);
            m.send({ type: "commit", id });
            return done;
          }),
        );
      },
      abort,
    };
  }

  /** Every worker's registry as prom-client JSON. */
  async metrics(): Promise<unknown[][]> {
    const id = this.#nextId++;
    const replies = await Promise.all(
      this.#members.map((m) => {
        const reply = m.next("metrics", id);
        m.send({ type: "metrics", id });
        return reply;
      }),
    );
    return replies.flatMap((r) => (r.type === "metrics" ? [r.json] : []));
  }

  /** Graceful drain in every worker at once; resolves with the requests ended at the deadline. */
  async drain(): Promise<number> {
    const replies = await Promise.all(
      this.#members.map((m) => {
        const reply = m.next("drained");
        m.send({ type: "drain" });
        return reply;
      }),
    );
    return replies.reduce((n, r) => n + (r.type === "drained" ? r.aborted : 0), 0);
  }

  /** Closes every worker's listener and pools, then lets the threads end. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(
      this.#members.map(async (m) => {
        if (m.exited) return;
        const exited = new Promise<void>((resolve) => m.worker.once("exit", () => resolve()));
        m.send({ type: "close" });
        await exited;
      }),
    );
  }
}

/** A port free right now on `host` (uWS binds it with SO_REUSEPORT in every worker). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
