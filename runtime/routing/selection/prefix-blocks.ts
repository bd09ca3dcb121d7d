/**
 * Prompt prefix → hash chain over fixed-size blocks, the approximation of an
 * inference server's KV-cache blocks (vLLM's prefix caching hashes each block of
 * tokens together with its prefix). Tokens are approximated by characters
 * (`blockChars` = block tokens × 4): deterministic, tokenizer-free and bounded by
 * `maxBlocks × blockChars` characters. Block i's hash covers everything before and in
 * it, so two prompts share the hash of block i exactly when they share that prefix.
 * The text is each message's role and text content, in order.
 */
import type { ChatMessage } from "../../canonical/chat-request.js";
import { CONTENT, walkTexts } from "../../canonical/message-text.js";
import { FNV_OFFSET, mix32 } from "./hash.js";

/** The chain: `hashes[i]` covers blocks 0..i; `key` is the first block's hash (or of the whole text when shorter). */
export interface PrefixChain {
  readonly hashes: number[];
  readonly key: number;
}

/** The FNV state and block position while hashing, kept in one object so the per-character loop has no closure. */
class ChainState {
  h = FNV_OFFSET;
  inBlock = 0;
  left: number;
  readonly hashes: number[] = [];
  readonly blockChars: number;

  constructor(blockChars: number, maxBlocks: number) {
    this.blockChars = blockChars;
    this.left = blockChars * maxBlocks;
  }

  /** Hashes `text`; false once the character budget is spent. */
  feed(text: string): boolean {
    let h = this.h;
    let inBlock = this.inBlock;
    const n = Math.min(text.length, this.left);
    const blockChars = this.blockChars;
    for (let i = 0; i < n; i++) {
      h = Math.imul(h ^ text.charCodeAt(i), 16777619);
      if (++inBlock === blockChars) {
        this.hashes.push(mix32(h >>> 0));
        inBlock = 0;
      }
    }
    this.h = h;
    this.inBlock = inBlock;
    this.left -= n;
    return this.left > 0;
  }
}

/** The chain of `messages`: each message's role, then the text of its content, within `maxBlocks` blocks. */
export function prefixChain(messages: readonly ChatMessage[], blockChars: number, maxBlocks: number): PrefixChain {
  const s = new ChainState(blockChars, maxBlocks);
  const feed = (text: string): false | undefined => (s.feed(text) ? undefined : false);
  for (let i = 0; i < messages.length; i++) {
    if (!s.feed(`\u0000${messages[i]!.role}\u0000`)) break;
    walkTexts(messages, CONTENT, feed, i, i + 1);
    if (s.left <= 0) break;
  }
  return { hashes: s.hashes, key: s.hashes[0] ?? mix32(s.h >>> 0) };
}
