/**
 * Prompt prefix → hash chain over fixed-size blocks, the approximation of an
 * inference server's KV-cache blocks (vLLM's prefix caching hashes each block of
 * tokens together with its prefix). Tokens are approximated by characters
 * (`blockChars` = block tokens × 4): deterministic, tokenizer-free and bounded by
 * `maxBlocks × blockChars` characters. Block i's hash covers everything before and in
 * it, so two prompts share the hash of block i exactly when they share that prefix.
 * The text is each message's role and text content, in order.
 */
import { eachContentText, messagesOf } from "../content/message-text.js";
import { FNV_OFFSET, mix32 } from "./hash.js";

/** The chain: `hashes[i]` covers blocks 0..i; `key` is the first block's hash (or of the whole text when shorter). */
export interface PrefixChain {
  readonly hashes: number[];
  readonly key: number;
}

export function prefixChain(body: Readonly<Record<string, unknown>>, blockChars: number, maxBlocks: number): PrefixChain {
  const hashes: number[] = [];
  let h = FNV_OFFSET;
  let inBlock = 0;
  const limit = blockChars * maxBlocks;
  let seen = 0;
  const feed = (text: string): boolean => {
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 16777619);
      if (++inBlock === blockChars) {
        hashes.push(mix32(h >>> 0));
        inBlock = 0;
      }
      if (++seen >= limit) return false;
    }
    return true;
  };
  for (const m of messagesOf(body)) {
    if (m === null || typeof m !== "object") continue;
    const role = (m as { role?: unknown }).role;
    if (!feed(typeof role === "string" ? `\u0000${role}\u0000` : "\u0000")) break;
    if (!eachContentText((m as { content?: unknown }).content, feed)) break;
  }
  return { hashes, key: hashes[0] ?? mix32(h >>> 0) };
}
