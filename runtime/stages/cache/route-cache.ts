/**
 * One route's response cache: the exact cache (an in-process LRU bounded by bytes)
 * and the semantic cache (embeddings + a vector store), sharing one cipher. Entries
 * are complete `chat.completion` bodies (see answer-tee.ts), sealed when encryption
 * is configured; the key of an exact entry is its additional authenticated data.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../../../schemas/plan/canonical.js";
import type { PlanRouteCache } from "../../../schemas/plan/cache.js";
import { type EntryCipher, openWith, sealWith } from "./cipher.js";
import { answerFields } from "./cache-key.js";
import { LruBytes } from "./lru-bytes.js";
import type { Embedder } from "./semantic/embed-client.js";
import type { SemanticStore } from "./semantic/semantic-store.js";
import type { ChatRequestView } from "../../canonical/chat-request.js";
import { finalQuestion } from "../../canonical/message-text.js";

/** Per-entry bookkeeping added to the byte count of an exact entry (key, slot, Map entry). */
const ENTRY_OVERHEAD_BYTES = 200;

export class RouteCache {
  readonly #exact: LruBytes<Buffer> | null;

  constructor(
    readonly config: PlanRouteCache,
    readonly cipher: EntryCipher | null,
    readonly embedder: Embedder | null,
    readonly semantic: SemanticStore | null,
    now: () => number,
  ) {
    this.#exact = config.exact === null ? null : new LruBytes(config.exact.maxBytes, now);
  }

  getExact(key: string): Buffer | null {
    const stored = this.#exact?.get(key);
    return stored === undefined ? null : openWith(this.cipher, stored, key);
  }

  setExact(key: string, answer: Buffer): void {
    if (this.#exact === null || this.config.exact === null) return;
    const sealed = sealWith(this.cipher, answer, key);
    this.#exact.set(key, sealed, sealed.length + key.length + ENTRY_OVERHEAD_BYTES, this.config.exact.ttlMs);
  }

  /** Bytes held by the exact cache (for tests and metrics). */
  get exactBytes(): number {
    return this.#exact?.bytes ?? 0;
  }

  /** The raw stored bytes of an exact entry, as held at rest (for the encryption test). */
  storedExact(key: string): Buffer | null {
    return this.#exact?.get(key) ?? null;
  }
}

/** The text the semantic cache compares: the last message, when it is a user message of text only. */
export function semanticText(request: ChatRequestView): string | null {
  return finalQuestion(request.messages);
}

/**
 * The semantic partition of a request: scope, model and everything but the last
 * message (system prompt, history, parameters), hashed. Only requests with the same
 * context are compared, so a paraphrase never borrows an answer given under another
 * system prompt or conversation.
 */
export function semanticPartition(scope: string, model: string, request: ChatRequestView): string {
  const fields = answerFields(request.body);
  delete fields["model"];
  fields["messages"] = request.messages.slice(0, -1);
  return createHash("sha256").update(scope).update("\0").update(model).update("\0").update(canonicalJson(fields)).digest("hex").slice(0, 32);
}
