/**
 * The provider's wait hint from `retry-after-ms` (preferred, as openai-node does) or
 * `retry-after` (seconds, fractions kept, or an HTTP date), in ms; null when none.
 */
import { retryAfterMs } from "../canonical/provider-error.js";

export function retryAfterMsOf(headers: Readonly<Record<string, string | string[] | undefined>>): number | null {
  return retryAfterMs(headers);
}
