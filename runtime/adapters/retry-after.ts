/** The provider's wait hint from `retry-after-ms` (preferred, as openai-node does) or `retry-after`, in ms. */
import { parseRetryAfter } from "../upstream/attempt-failure.js";

export function retryAfterMsOf(headers: Readonly<Record<string, string | string[] | undefined>>): number | null {
  const ms = headers["retry-after-ms"];
  const precise = Number(Array.isArray(ms) ? ms[0] : ms);
  if (ms !== undefined && Number.isFinite(precise) && precise >= 0) return precise;
  const seconds = parseRetryAfter(headers["retry-after"]);
  return seconds === undefined ? null : seconds * 1000;
}
