/**
 * Where conversations live: in this process (an LRU bounded by sessions) or in Redis
 * (one JSON value per session, with a TTL renewed on every turn). A Redis failure
 * reads as an empty conversation and a lost write: the request itself still works.
 *
 * With the plan's `stores.encryptionKeys`, both keep each conversation sealed
 * (base/sealer.ts, bound to its session key): whole user conversations never sit in
 * clear, in Redis or in this process's heap; a value that does not open (tampered, moved
 * under another session, or sealed with a key no longer configured) reads as empty.
 */
import type { RedisCommands } from "../../state/redis-commands.js";
import type { ChatMessage } from "../../canonical/chat-request.js";
import type { Sealer } from "../../base/sealer.js";

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

/** The stored form of a conversation: JSON, sealed when a sealer is configured. */
function encode(sealer: Sealer | null, key: string, turns: readonly Turn[]): string {
  const json = JSON.stringify(turns);
  return sealer === null ? json : sealer.sealText(json, `mem:${key}`);
}

function decode(sealer: Sealer | null, key: string, stored: string | null): Turn[] {
  if (stored === null) return [];
  try {
    const json = sealer === null ? stored : sealer.openText(stored, `mem:${key}`);
    const parsed: unknown = json === null ? [] : JSON.parse(json);
    return Array.isArray(parsed) ? (parsed as Turn[]) : [];
  } catch {
    return [];
  }
}

export class LocalMemoryStore implements MemoryStore {
  readonly #sessions = new Map<string, { stored: string; expiresAt: number }>();

  constructor(
    readonly maxSessions: number,
    readonly now: () => number,
    readonly sealer: Sealer | null = null,
  ) {}

  async load(key: string): Promise<Turn[]> {
    const s = this.#sessions.get(key);
    if (s === undefined) return [];
    if (s.expiresAt <= this.now()) {
      this.#sessions.delete(key);
      return [];
    }
    return decode(this.sealer, key, s.stored);
  }

  /** What is kept for a session, exactly as stored (tests read it to prove it is sealed). */
  rawEntry(key: string): string | undefined {
    return this.#sessions.get(key)?.stored;
  }

  async save(key: string, turns: readonly Turn[], ttlMs: number): Promise<void> {
    this.#sessions.delete(key);
    this.#sessions.set(key, { stored: encode(this.sealer, key, turns), expiresAt: this.now() + ttlMs });
    if (this.#sessions.size > this.maxSessions) this.#sessions.delete(this.#sessions.keys().next().value!);
  }

  async close(): Promise<void> {
    this.#sessions.clear();
  }
}

export class RedisMemoryStore implements MemoryStore {
  constructor(
    readonly redis: RedisCommands,
    readonly sealer: Sealer | null = null,
  ) {}

  async load(key: string): Promise<Turn[]> {
    try {
      const text = (await this.redis.command(["GET", `${this.redis.prefix}mem:${key}`])) as string | null;
      return decode(this.sealer, key, text);
    } catch {
      return [];
    }
  }

  async save(key: string, turns: readonly Turn[], ttlMs: number): Promise<void> {
    try {
      await this.redis.command(["SET", `${this.redis.prefix}mem:${key}`, encode(this.sealer, key, turns), "PX", String(ttlMs)]);
    } catch {
      /* the conversation loses this turn; the answer was already delivered */
    }
  }

  async close(): Promise<void> {}
}
