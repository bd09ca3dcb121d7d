/**
 * Where conversations live: in this process (an LRU bounded by sessions) or in Redis
 * (one JSON value per session, with a TTL renewed on every turn). A Redis failure
 * reads as an empty conversation and a lost write: the request itself still works.
 */
import type { RedisCommands } from "../../state/redis-commands.js";
import type { ChatMessage } from "../../canonical/chat-request.js";

/** One exchange: the client's messages of one request and the answer. */
export interface Turn {
  readonly messages: readonly ChatMessage[];
  /** Estimated tokens of `messages`. */
  readonly tokens: number;
}

export interface MemoryStore {
  load(key: string): Promise<Turn[]>;
  save(key: string, turns: readonly Turn[], ttlMs: number): Promise<void>;
  close(): Promise<void>;
}

export class LocalMemoryStore implements MemoryStore {
  readonly #sessions = new Map<string, { turns: readonly Turn[]; expiresAt: number }>();

  constructor(
    readonly maxSessions: number,
    readonly now: () => number,
  ) {}

  async load(key: string): Promise<Turn[]> {
    const s = this.#sessions.get(key);
    if (s === undefined) return [];
    if (s.expiresAt <= this.now()) {
      this.#sessions.delete(key);
      return [];
    }
    return [...s.turns];
  }

  async save(key: string, turns: readonly Turn[], ttlMs: number): Promise<void> {
    this.#sessions.delete(key);
    this.#sessions.set(key, { turns, expiresAt: this.now() + ttlMs });
    if (this.#sessions.size > this.maxSessions) this.#sessions.delete(this.#sessions.keys().next().value!);
  }

  async close(): Promise<void> {
    this.#sessions.clear();
  }
}

export class RedisMemoryStore implements MemoryStore {
  constructor(readonly redis: RedisCommands) {}

  async load(key: string): Promise<Turn[]> {
    try {
      const text = (await this.redis.command(["GET", `${this.redis.prefix}mem:${key}`])) as string | null;
      const parsed: unknown = text === null ? [] : JSON.parse(text);
      return Array.isArray(parsed) ? (parsed as Turn[]) : [];
    } catch {
      return [];
    }
  }

  async save(key: string, turns: readonly Turn[], ttlMs: number): Promise<void> {
    try {
      await this.redis.command(["SET", `${this.redis.prefix}mem:${key}`, JSON.stringify(turns), "PX", String(ttlMs)]);
    } catch {
      /* the conversation loses this turn; the answer was already delivered */
    }
  }

  async close(): Promise<void> {}
}
