/**
 * The Redis behind quotas and the fleet ledger, as deployed: one server (a small pool
 * of connections), a Redis Cluster (commands routed by key slot) or a master followed
 * through Sentinel (node-redis's clients for each). Everything above it speaks
 * `send(firstKey, args)` and `script(source, keys, args)`.
 *
 * Store latency is not store failure. A caller gives each command a deadline; when
 * it passes, the answer is looked for once more after the replies already received
 * are read (a timer can fire late on a busy event loop, before the socket's data is
 * parsed), and only then does the command count as failed. Whether the store is up
 * is decided by a probe (a PING, every second and after any missed deadline), not by
 * one slow command: while the probe fails, commands fail at once instead of each
 * waiting out its deadline (a frozen or partitioned Redis costs each request nothing
 * but the failure), and the first answered probe brings the store back.
 *
 * A store that answers but cannot do what is asked (a cluster named as one server,
 * scripts refused by ACL) is a startup error: `connect()` rejects with it.
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type * as NodeRedis from "redis";
import { log } from "../base/log.js";
import { StoreUnavailable } from "./counters/counter-spec.js";
import { parseRedisUrl, type RedisTopology } from "./redis-url.js";

export interface SharedRedisOptions {
  /** The resolved URL (a secret: never logged). */
  readonly url: string;
  readonly prefix: string;
  /** The deadline of one command, ms. */
  readonly timeoutMs: number;
  /** Connections to a single server (cluster and Sentinel keep their own). */
  readonly pool: number;
  /** A name for logs and metrics (never the URL). */
  readonly label: string;
}

/** A store that cannot do what the plan asks of it: the gateway refuses to start. */
export class StoreMisconfigured extends Error {}

type Send = (firstKey: string | undefined, args: string[]) => Promise<unknown>;

const PROBE_EVERY_MS = 1000;
const RECONNECT_MAX_MS = 1000;

export class SharedRedis {
  readonly prefix: string;
  readonly label: string;
  readonly topology: RedisTopology["mode"];
  readonly timeoutMs: number;
  #send: Send;
  #scan: (match: string) => AsyncIterable<string[]>;
  #close: () => Promise<void>;
  #connect: () => Promise<void>;
  #up = false;
  #closed = false;
  #probing: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #lastError = "not connected yet";
  #lastErrorLog = 0;
  /** Set when the store turned out unable to serve (found after start): it never counts as up. */
  #fatal: string | null = null;
  readonly #shas = new Map<string, string>();

  constructor(opts: SharedRedisOptions) {
    this.prefix = opts.prefix;
    this.label = opts.label;
    this.timeoutMs = opts.timeoutMs;
    const topology = parseRedisUrl(opts.url);
    this.topology = topology.mode;
    const onError = (err: unknown): void => this.#noteError(err);
    const reconnectStrategy = (retries: number): number => Math.min(50 * 2 ** Math.min(retries, 5), RECONNECT_MAX_MS);
    const connectTimeout = Math.max(opts.timeoutMs, 1000);
    const { createClient, createCluster, createSentinel } = nodeRedis();
    if (topology.mode === "standalone") {
      const clients = Array.from({ length: Math.max(1, opts.pool) }, () => {
        const c = createClient({ url: topology.url, disableOfflineQueue: true, socket: { connectTimeout, reconnectStrategy } });
        c.on("error", onError);
        return c;
      });
      let next = 0;
      this.#send = (_key, args) => {
        // Round robin over the ready connections; one that is reconnecting is skipped.
        for (let i = 0; i < clients.length; i++) {
          const c = clients[(next + i) % clients.length]!;
          if (c.isReady) {
            next = (next + i + 1) % clients.length;
            return c.sendCommand(args);
          }
        }
        return Promise.reject(new StoreUnavailable(`${this.label} is not connected: ${this.#lastError}`));
      };
      this.#scan = async function* (match) {
        for await (const keys of clients[0]!.scanIterator({ MATCH: match, COUNT: 500 })) yield keys as string[];
      };
      this.#connect = async () => void (await Promise.all(clients.map((c) => c.connect())));
      this.#close = async () => clients.forEach((c) => c.destroy());
    } else if (topology.mode === "cluster") {
      const auth = { ...(topology.username === undefined ? {} : { username: topology.username }), ...(topology.password === undefined ? {} : { password: topology.password }) };
      const cluster = createCluster({
        rootNodes: topology.nodes.map((n) => ({ socket: { host: n.host, port: n.port, ...(topology.tls ? { tls: true as const } : {}) } })),
        defaults: { ...auth, disableOfflineQueue: true, socket: { connectTimeout, reconnectStrategy, ...(topology.tls ? { tls: true as const } : {}) } },
        useReplicas: false,
      });
      cluster.on("error", onError);
      this.#send = (key, args) => cluster.sendCommand(key, false, args);
      this.#scan = async function* (match) {
        for (const master of cluster.masters) {
          const client = await cluster.nodeClient(master);
          for await (const keys of client.scanIterator({ MATCH: match, COUNT: 500 })) yield keys as string[];
        }
      };
      this.#connect = async () => void (await cluster.connect());
      this.#close = async () => cluster.destroy();
    } else {
      const auth = { ...(topology.username === undefined ? {} : { username: topology.username }), ...(topology.password === undefined ? {} : { password: topology.password }) };
      const sentinel = createSentinel({
        name: topology.master,
        sentinelRootNodes: topology.sentinels.map((n) => ({ host: n.host, port: n.port })),
        masterPoolSize: Math.max(1, opts.pool),
        nodeClientOptions: {
          ...auth,
          database: topology.db,
          disableOfflineQueue: true,
          socket: { connectTimeout, reconnectStrategy, ...(topology.tls ? { tls: true as const } : {}) },
        },
        sentinelClientOptions: { ...(topology.sentinelPassword === undefined ? {} : { password: topology.sentinelPassword }), socket: { connectTimeout, reconnectStrategy } },
      });
      sentinel.on("error", onError);
      this.#send = (_key, args) => sentinel.sendCommand(false, args);
      this.#scan = async function* (match) {
        let cursor = "0";
        do {
          const [next, keys] = (await sentinel.sendCommand(true, ["SCAN", cursor, "MATCH", match, "COUNT", "500"])) as [string, string[]];
          cursor = String(next);
          yield keys;
        } while (cursor !== "0");
      };
      this.#connect = async () => void (await sentinel.connect());
      this.#close = async () => sentinel.destroy();
    }
  }

  /**
   * Connects and checks that the store can do what is asked. Resolves when connected,
   * or when it cannot be reached yet (it keeps trying in the background; commands fail
   * as declared meanwhile); rejects with StoreMisconfigured for a store that answers
   * but is the wrong kind or refuses scripts.
   */
  async connect(): Promise<void> {
    try {
      await this.#connect();
    } catch (err) {
      const text = describeError(err);
      if (/cluster support disabled/i.test(text))
        throw new StoreMisconfigured(`${this.label}: the URL names a Redis Cluster (redis+cluster://) but the server is not one: use redis:// or rediss://`);
      log("warn", "redis store unavailable at start; retrying in the background", { store: this.label, error: safeMessage(text) });
      this.#lastError = text;
    }
    this.#timer = setInterval(() => void this.probe(), PROBE_EVERY_MS);
    this.#timer.unref();
    await this.probe();
    if (!this.#up) {
      // Not reachable yet: check what it is once it answers (a wrong kind of store then stops serving, never fails open silently).
      const later = setInterval(() => {
        if (!this.#up || this.#closed) return;
        clearInterval(later);
        this.#checkCapabilities().catch((err: unknown) => {
          this.#fatal = err instanceof Error ? err.message : String(err);
          log("error", "redis store cannot serve this plan: every admission fails as its quota declares", { store: this.label, error: this.#fatal });
        });
      }, PROBE_EVERY_MS);
      later.unref();
      return;
    }
    await this.#checkCapabilities();
  }

  async #checkCapabilities(): Promise<void> {
    let info: string;
    try {
      info = String(await this.send(undefined, ["INFO", "server"], Math.max(this.timeoutMs, 2000)));
    } catch (err) {
      if (err instanceof StoreUnavailable) return;
      throw new StoreMisconfigured(`${this.label}: INFO refused (${safeMessage(describeError(err))})`);
    }
    const mode = /redis_mode:(\w+)/.exec(info)?.[1];
    if (mode === "cluster" && this.topology !== "cluster") {
      throw new StoreMisconfigured(`${this.label}: the server is a Redis Cluster node: name the cluster as redis+cluster://host:port,host:port so keys are routed by slot`);
    }
    try {
      // Every script the stores run touches keys of one hash tag: this one too, so a cluster proves it routes scripts.
      await this.script("return 1", [`{${this.prefix}}:probe`], [], Math.max(this.timeoutMs, 2000));
    } catch (err) {
      if (err instanceof StoreUnavailable) return;
      throw new StoreMisconfigured(`${this.label}: Lua scripts are refused (${safeMessage(describeError(err))}); quotas and the ledger need EVAL/EVALSHA`);
    }
  }

  /** True while the last probe (or command) was answered. */
  get up(): boolean {
    return this.#up && !this.#closed && this.#fatal === null;
  }

  /** The last error seen, for the log and the 503's cause (never the URL). */
  get lastError(): string {
    return safeMessage(this.#fatal ?? this.#lastError);
  }

  /** Pings the store (with the deadline); marks it up or down. One probe at a time. */
  probe(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#probing ??= withDeadline(this.#send(`{${this.prefix}}`, ["PING"]), Math.max(this.timeoutMs, 500), this.label)
      .then(
        () => this.#markUp(),
        (err: unknown) => this.#markDown(err),
      )
      .finally(() => {
        this.#probing = null;
      });
    return this.#probing;
  }

  /** One command, failing with StoreUnavailable when the store is down or the deadline passes. */
  send(firstKey: string | undefined, args: string[], deadlineMs = this.timeoutMs): Promise<unknown> {
    if (!this.up) return Promise.reject(new StoreUnavailable(`${this.label} is down: ${this.lastError}`));
    return this.#guard(this.#send(firstKey, args), deadlineMs);
  }

  /**
   * Runs a Lua script by its SHA (computed here: no SCRIPT LOAD round trip, and on a
   * cluster every node learns it on first use through the EVAL fallback).
   */
  script(source: string, keys: string[], args: string[], deadlineMs = this.timeoutMs): Promise<unknown> {
    if (!this.up) return Promise.reject(new StoreUnavailable(`${this.label} is down: ${this.lastError}`));
    let sha = this.#shas.get(source);
    if (sha === undefined) {
      sha = createHash("sha1").update(source).digest("hex");
      this.#shas.set(source, sha);
    }
    const head = [String(keys.length), ...keys, ...args];
    const run = this.#send(keys[0], ["EVALSHA", sha, ...head]).catch((err: unknown) => {
      if (!describeError(err).includes("NOSCRIPT")) throw err;
      return this.#send(keys[0], ["EVAL", source, ...head]);
    });
    return this.#guard(run, deadlineMs);
  }

  /** Every key matching `match` (on every master of a cluster). */
  scan(match: string): AsyncIterable<string[]> {
    return this.#scan(match);
  }

  #guard(run: Promise<unknown>, deadlineMs: number): Promise<unknown> {
    return withDeadline(run, deadlineMs, this.label).then(
      (reply) => {
        this.#markUp();
        return reply;
      },
      (err: unknown) => {
        if (err instanceof StoreUnavailable) {
          // A missed deadline: find out whether the store is down (not merely slow) without waiting for the next tick.
          this.#noteError(err);
          void this.probe();
          throw err;
        }
        const text = describeError(err);
        // A refused command is an answer (the store is up); a lost connection is not.
        if (/socket|connection|closed|ECONN|ETIMEDOUT|EPIPE|not connected|offline queue/i.test(text)) {
          this.#noteError(err);
          void this.probe();
          throw new StoreUnavailable(text);
        }
        throw err;
      },
    );
  }

  #markUp(): void {
    if (!this.#up) log("info", "redis store connected", { store: this.label, topology: this.topology });
    this.#up = true;
  }

  #markDown(err: unknown): void {
    this.#noteError(err);
    if (this.#up) log("warn", "redis store unavailable", { store: this.label, error: this.lastError });
    this.#up = false;
  }

  #noteError(err: unknown): void {
    this.#lastError = describeError(err);
  }

  /** Logs a store failure at most once a second, with the real error. */
  logFailure(message: string, fields: Record<string, unknown>): void {
    const now = Date.now();
    if (now - this.#lastErrorLog < 1000) return;
    this.#lastErrorLog = now;
    log("warn", message, { store: this.label, error: this.lastError, ...fields });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    try {
      await this.#close();
    } catch {
      // Already closed.
    }
  }
}

/**
 * `run`, or StoreUnavailable once `ms` have passed. When the timer fires, the answer
 * gets one more look after the event loop's pending I/O (setImmediate runs after the
 * poll phase), so a reply that arrived while the loop was busy is not taken for a
 * timeout.
 */
export function withDeadline<T>(run: Promise<T>, ms: number, label: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (done) return;
          done = true;
          reject(new StoreUnavailable(`${label}: no answer within the ${ms} ms deadline`));
        }),
      ms,
    );
    run.then(
      (value) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** An error as text, never empty (node-redis timeouts and socket errors can carry an empty message). */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const name = err.name && err.name !== "Error" ? err.name : "";
    const code = (err as NodeJS.ErrnoException).code ?? "";
    const text = [name, code, err.message].filter((s) => s !== "").join(": ");
    return text === "" ? err.constructor.name : text;
  }
  return String(err) || "unknown error";
}

/** An error message without a URL (node-redis can echo the connection string, which may hold a password). */
export function safeMessage(text: string): string {
  return text.replace(/rediss?(\+\w+)?:\/\/[^\s]*/g, "redis://…");
}

let redisModule: typeof NodeRedis | null = null;

/** node-redis, loaded when a plan first names a Redis store (~17 MB of a process that never does). CommonJS, so loaded synchronously. */
function nodeRedis(): typeof NodeRedis {
  redisModule ??= createRequire(import.meta.url)("redis") as typeof NodeRedis;
  return redisModule;
}
