/**
 * A cheap, bounded prompt-token estimate for `maxPromptTokens`: no tokenizer (BPE is
 * quadratic on adversarial input, see docs/quotas-and-budgets.md#prompt-tokens-without-a-tokenizer-on-the-event-loop),
 * one pass over the text that
 * stops as soon as the limit is exceeded. ASCII counts a quarter token per character
 * (English averages ~4 characters per token), anything else a whole token per UTF-16
 * unit (CJK is ~1 token per character), plus 4 tokens of framing per message. It leans
 * high for CJK-heavy text and close for English, so a limit is never passed by
 * writing in a script the estimate undercounts.
 */

const PER_MESSAGE = 4;

/** The estimate, or a number above `limit` as soon as it is certain to exceed it. */
export function estimatePromptTokens(texts: readonly string[], messages: number, limit: number): number {
  let ascii = 0;
  let other = 0;
  const base = messages * PER_MESSAGE;
  for (const text of texts) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) < 128) ascii++;
      else other++;
    }
    if (base + Math.ceil(ascii / 4) + other > limit) break;
  }
  return base + Math.ceil(ascii / 4) + other;
}
