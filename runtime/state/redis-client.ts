/**
 * The runtime's Redis connection (node-redis), shared by every feature that keeps
 * state across replicas (quotas now; the semantic cache later). Generic on purpose:
 * it knows a URL, a key prefix and a command timeout, nothing about quotas.
 *
 * Failure behaviour is explicit, never silent: commands are not queued while the
 * connection is down (`disableOfflineQueue`), so a caller learns at once that the
 * store is unavailable and applies its own fail-open/fail-closed rule; the client
 * reconnects in the background with a capped backoff; every change of state is
 * logged once (not once per failed command), and `up` is readable for metrics.
 */
import type { createClient } from "redis";
import { log } from "../base/log.js";

export interface RedisStoreOptions {
  /** The resolved URL (a secret: never logged). */
  readonly url: string;
  /** Key prefix, e.g. "tollgate". */
  readonly prefix: string;
  /** Per-command timeout in ms. */
  readonly timeoutMs: number;
  /** A name for logs (never the URL). */
  readonly label: string;
}

/** The client with the gateway's settings; `create` is node-redis's, imported on first connect. */
function buildClient(create: typeof createClient, opts: RedisStoreOptions) {
  return create({
    url: opts.url,
    disableOfflineQueue: true,
    commandOptions: { timeout: opts.timeoutMs },
    socket: {
      connectTimeout: Math.max(opts.timeoutMs, 1000),
      // Back off to at most 1 s between attempts, forever: Redis coming back must be noticed quickly.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 5), 1000),
    },
  });
}

type Client = ReturnType<typeof buildClient>;

/**
 * The connection. node-redis (with its command modules and OpenTelemetry API, ~10 MB
 * per thread) is imported by `connect()`, not with this module: a plan that names no
 * Redis store never loads it. Until then `client` throws, which callers already treat
 * as the store being unavailable.
 */
export class RedisConnection {
  readonly prefix: string;
  readonly label: string;
  readonly #opts: RedisStoreOptions;
  #client: Client | null = null;
  #up = false;
  #closed = false;
  #scripts = new Map<string, string>();

  constructor(opts: RedisStoreOptions) {
    this.prefix = opts.prefix;
    this.label = opts.label;
    this.#opts = opts;
  }

  /** The node-redis client, once `connect()` has loaded it. */
  get client(): Client {
    if (this.#client === null) throw new Error("redis is not connected");
    return this.#client;
  }

  /** Starts connecting; resolves when connected or after the first failure (the client keeps retrying). */
  async connect(): Promise<void> {
    const { createClient } = await import("redis");
    if (this.#closed || this.#client !== null) return;
    const client = buildClient(createClient, this.#opts);
    this.#client = client;
    client.on("ready", () => {
      if (!this.#up) log("info", "redis store connected", { store: this.label });
      this.#up = true;
    });
    client.on("error", (err: Error) => {
      if (this.#up) log("warn", "redis store unavailable", { store: this.label, error: safeMessage(err) });
      this.#up = false;
    });
    client.on("end", () => {
      this.#up = false;
    });
    try {
      await client.connect();
    } catch (err) {
      log("warn", "redis store unavailable at start; retrying in the background", { store: this.label, error: safeMessage(err) });
    }
  }

  /** True while the connection is ready for commands. */
  get up(): boolean {
    return this.#up && this.#client !== null && this.#client.isReady;
  }

  /**
   * Runs a Lua script by its SHA, loading it when Redis does not know it (first use,
   * or after Redis restarted and lost its script cache). One round trip when cached.
   */
  async runScript(source: string, keys: string[], args: string[]): Promise<unknown> {
    let sha = this.#scripts.get(source);
    if (sha === undefined) {
      sha = await this.client.scriptLoad(source);
      this.#scripts.set(source, sha);
    }
    try {
      return await this.client.evalSha(sha, { keys, arguments: args });
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      return this.client.eval(source, { keys, arguments: args });
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#client?.destroy();
    } catch {
      // Already closed.
    }
  }
}

/** An error message without the URL (node-redis can echo the connection string, which may hold a password). */
export function safeMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/rediss?:\/\/[^\s]*/g, "redis://…");
}
