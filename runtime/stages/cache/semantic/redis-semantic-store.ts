/**
 * The semantic cache shared through Redis. Vector search in Redis needs Redis 8's
 * vector sets or the RediSearch module; Debian's Redis 7.0 has neither (and sealed
 * vectors could not be searched server-side anyway), so Redis holds the entries and
 * each replica mirrors each partition's vectors in a local index (vector-partition.ts:
 * exact scan, HNSW past its limit):
 *
 *   {prefix}sc:{partition}:v   sorted set, score = sequence number, member =
 *                              "<expiresAt>|<vector>" (base64 float32, sealed when encrypted)
 *   {prefix}sc:{partition}:a:{seq}  the answer (sealed when encrypted), with a TTL
 *   {prefix}sc:{partition}:seq  the sequence counter
 *
 * A lookup fetches only the entries added since this replica last looked
 * (ZRANGEBYSCORE from its last sequence: usually an empty reply, one round trip),
 * searches locally, then GETs the answer of the best match (a second round trip on
 * hits only; a missing answer has expired and counts as a miss). The sorted set is
 * trimmed to `maxEntries` and expires with the TTL, so Redis memory stays bounded.
 * Any Redis failure is a miss: the request goes upstream.
 */
import type { RedisCommands } from "../../../state/redis-commands.js";
import { openWith, sealWith } from "../cipher.js";
import type { SemanticHit, SemanticSettings, SemanticStore } from "./semantic-store.js";
import { VectorPartition } from "./vector-partition.js";

interface Mirror {
  readonly index: VectorPartition<number>;
  lastSeq: number;
}

const MAX_MIRRORS = 10_000;

export class RedisSemanticStore implements SemanticStore {
  readonly #mirrors = new Map<string, Mirror>();

  constructor(
    readonly settings: SemanticSettings,
    readonly redis: RedisCommands,
  ) {}

  async lookup(partition: string, vector: Float32Array): Promise<SemanticHit | null> {
    const base = `${this.redis.prefix}sc:${partition}:`;
    const mirror = this.#mirror(partition);
    try {
      const fresh = await this.redis.command(["ZRANGEBYSCORE", `${base}v`, `(${mirror.lastSeq}`, "+inf", "WITHSCORES"]);
      for (const [member, seq] of memberScorePairs(fresh)) {
        mirror.lastSeq = Math.max(mirror.lastSeq, seq);
        const decoded = this.#decodeMember(member, `${partition}:${seq}`);
        if (decoded !== null) mirror.index.add(decoded.vector, seq, decoded.expiresAt);
      }
      const match = mirror.index.best(vector, this.settings.threshold, this.settings.now());
      if (match === null) return null;
      const stored = (await this.redis.command(["GET", `${base}a:${match.value}`])) as string | null;
      if (stored === null) return null;
      const answer = openWith(this.settings.cipher, Buffer.from(stored, "base64"), `${partition}:${match.value}`);
      return answer === null ? null : { answer, score: match.score };
    } catch {
      return null;
    }
  }

  async insert(partition: string, vector: Float32Array, answer: Buffer): Promise<void> {
    const base = `${this.redis.prefix}sc:${partition}:`;
    const { ttlMs, maxEntries, cipher } = this.settings;
    try {
      const seq = Number(await this.redis.command(["INCR", `${base}seq`]));
      const aad = `${partition}:${seq}`;
      const expiresAt = this.settings.now() + ttlMs;
      const vectorBytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
      const member = `${expiresAt}|${sealWith(cipher, vectorBytes, `${aad}:v`).toString("base64")}`;
      await this.redis.transaction([
        ["SET", `${base}a:${seq}`, sealWith(cipher, answer, aad).toString("base64"), "PX", String(ttlMs)],
        ["ZADD", `${base}v`, String(seq), member],
        ["ZREMRANGEBYRANK", `${base}v`, "0", String(-(maxEntries + 1))],
        ["PEXPIRE", `${base}v`, String(ttlMs)],
        ["PEXPIRE", `${base}seq`, String(ttlMs)],
      ]);
    } catch {
      /* a failed insert only costs a future hit */
    }
  }

  async close(): Promise<void> {
    this.#mirrors.clear();
  }

  #mirror(partition: string): Mirror {
    let mirror = this.#mirrors.get(partition);
    if (mirror === undefined) {
      mirror = { index: new VectorPartition(this.settings.maxEntries), lastSeq: 0 };
      this.#mirrors.set(partition, mirror);
      if (this.#mirrors.size > MAX_MIRRORS) this.#mirrors.delete(this.#mirrors.keys().next().value!);
    }
    return mirror;
  }

  #decodeMember(member: string, aad: string): { vector: Float32Array; expiresAt: number } | null {
    const bar = member.indexOf("|");
    if (bar < 0) return null;
    const expiresAt = Number(member.slice(0, bar));
    const bytes = openWith(this.settings.cipher, Buffer.from(member.slice(bar + 1), "base64"), `${aad}:v`);
    if (bytes === null || bytes.length % 4 !== 0 || !Number.isFinite(expiresAt)) return null;
    const vector = new Float32Array(bytes.length / 4);
    for (let i = 0; i < vector.length; i++) vector[i] = bytes.readFloatLE(i * 4);
    return { vector, expiresAt };
  }
}

/** WITHSCORES replies: flat `[member, score, …]` (RESP2) or pairs `[[member, score], …]` (RESP3). */
function memberScorePairs(reply: unknown): [string, number][] {
  if (!Array.isArray(reply)) return [];
  const out: [string, number][] = [];
  if (reply.every((x) => Array.isArray(x))) {
    for (const [member, score] of reply as unknown[][]) out.push([String(member), Number(score)]);
  } else {
    for (let i = 0; i + 1 < reply.length; i += 2) out.push([String(reply[i]), Number(reply[i + 1])]);
  }
  return out.filter(([, score]) => Number.isFinite(score));
}
