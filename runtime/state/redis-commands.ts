/**
 * Raw commands over the gateway's shared Redis connection (runtime/state/redis-client.ts),
 * for the semantic cache and conversation memory. A command rejects at once while Redis
 * is down (no offline queue); callers treat that as a miss or an empty conversation.
 */
import type { RedisConnection } from "./redis-client.js";

type Reply = string | number | null | Reply[];

export class RedisCommands {
  constructor(readonly connection: RedisConnection) {}

  /** The key prefix of every key written ("tollgate" → "tollgate:"). */
  get prefix(): string {
    return `${this.connection.prefix}:`;
  }

  async command(args: readonly string[]): Promise<Reply> {
    return (await this.connection.client.sendCommand([...args])) as Reply;
  }

  /** Several commands in one MULTI/EXEC (one round trip). */
  async transaction(commands: readonly (readonly string[])[]): Promise<Reply[]> {
    const multi = this.connection.client.multi();
    for (const c of commands) multi.addCommand([...c]);
    return (await multi.exec()) as unknown as Reply[];
  }
}
