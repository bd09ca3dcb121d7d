/**
 * Where a semantic cache keeps its entries: in this process, or in Redis shared by
 * every replica. Entries are grouped in partitions (scope + conversation context);
 * only vectors of one partition are ever compared.
 */
import { openWith, sealWith, type EntryCipher } from "../cipher.js";
import { VectorPartition } from "./vector-partition.js";

export interface SemanticHit {
  readonly answer: Buffer;
  readonly score: number;
}

export interface SemanticStore {
  lookup(partition: string, vector: Float32Array): Promise<SemanticHit | null>;
  insert(partition: string, vector: Float32Array, answer: Buffer): Promise<void>;
  close(): Promise<void>;
}

export interface SemanticSettings {
  readonly threshold: number;
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly cipher: EntryCipher | null;
  readonly now: () => number;
}

/** Most partitions kept in one process (least recently used go first). */
const MAX_PARTITIONS = 10_000;

/** The embedded store: partitions in a Map used as an LRU. */
export class LocalSemanticStore implements SemanticStore {
  readonly #partitions = new Map<string, VectorPartition<{ id: number; sealed: Buffer }>>();
  #ids = 0;

  constructor(readonly settings: SemanticSettings) {}

  async lookup(partition: string, vector: Float32Array): Promise<SemanticHit | null> {
    const p = this.#partitions.get(partition);
    if (p === undefined) return null;
    this.#partitions.delete(partition);
    this.#partitions.set(partition, p);
    const match = p.best(vector, this.settings.threshold, this.settings.now());
    if (match === null) return null;
    const answer = openWith(this.settings.cipher, match.value.sealed, `${partition}:${match.value.id}`);
    return answer === null ? null : { answer, score: match.score };
  }

  async insert(partition: string, vector: Float32Array, answer: Buffer): Promise<void> {
    let p = this.#partitions.get(partition);
    if (p === undefined) {
      p = new VectorPartition(this.settings.maxEntries);
      this.#partitions.set(partition, p);
      if (this.#partitions.size > MAX_PARTITIONS) this.#partitions.delete(this.#partitions.keys().next().value!);
    }
    const id = ++this.#ids;
    p.add(vector, { id, sealed: sealWith(this.settings.cipher, answer, `${partition}:${id}`) }, this.settings.now() + this.settings.ttlMs);
  }

  async close(): Promise<void> {
    this.#partitions.clear();
  }
}
