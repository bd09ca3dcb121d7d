/**
 * A placeholder for a protocol whose adapter is not built yet: every request gets a
 * clear 400 instead of a crash. Replaced row by row in registry.ts.
 */
import type { AdapterId, ChatAdapter, ProviderError } from "./adapter.js";

export function notImplementedAdapter(id: AdapterId): ChatAdapter {
  const refusal: ProviderError = {
    class: "bad_request",
    status: 0,
    message: `the gateway cannot call ${id} providers yet`,
    code: "adapter_not_implemented",
    retryAfterMs: null,
  };
  return {
    id,
    buildChatRequest: () => refusal,
    decodeChatResponse: () => refusal,
    createStreamDecoder: () => ({ push: () => null, end: () => null, usage: null, error: refusal, complete: false, outputChars: 0 }),
    classifyError: () => refusal,
  };
}
