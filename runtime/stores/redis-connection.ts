/**
 * A minimal shared Redis connection for the caches and conversation memory (helper
 * modules for quotas may bring a richer one; this one only sends raw commands).
 *
 * It never blocks a request on a dead Redis: commands fail at once while it is
 * disconnected (no offline queue), it reconnects in the background with backoff,
 * and every caller treats a failure as a cache miss / empty memory (fail-open).
 */
import { createClient } from "@redis/client";
import { log } from "../observability/log.js";

type Reply = string | number | null | Reply[];

export class RedisConnection {
  readonly #client;
  readonly #ready: Promise<void>;
  #warned = false;

  /** Connects to `url` (a redis:// URL, secret resolved); `name` names the store in logs. */
  constructor(url: string, readonly name: string) {
    this.#client = createClient({
      url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000) },
    });
    this.#client.on("error", (err: unknown) => {
      if (this.#warned) return;
      this.#warned = true;
      log("warn", "store unavailable; caches and memory using it answer as misses until it is back", { store: name, error: err instanceof Error ? err.message : String(err) });
    });
    this.#client.on("ready", () => {
      this.#warned = false;
    });
    this.#ready = this.#client.connect().then(
      () => undefined,
      () => undefined,
    );
  }

  /** Sends one command; rejects when Redis is unreachable. */
  async command(args: readonly string[]): Promise<Reply> {
    await this.#ready;
    return (await this.#client.sendCommand([...args])) as Reply;
  }

  /** Sends several commands in one MULTI/EXEC transaction (one round trip). */
  async transaction(commands: readonly (readonly string[])[]): Promise<Reply[]> {
    await this.#ready;
    const multi = this.#client.multi();
    for (const c of commands) multi.addCommand([...c]);
    return (await multi.exec()) as unknown as Reply[];
  }

  async close(): Promise<void> {
    await this.#ready;
    try {
      await this.#client.close();
    } catch {
      this.#client.destroy();
    }
  }
}
