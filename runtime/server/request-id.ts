/** The id a request is logged and answered under (`x-request-id`). */
import { randomUUID } from "node:crypto";
import type { Exchange } from "./exchange.js";

/** The client's `x-request-id` when it is sane (≤ 128 characters of `[A-Za-z0-9_.:-]`), else a new UUID. */
export function requestIdOf(ex: Exchange): string {
  const given = ex.headers["x-request-id"];
  return given !== undefined && given.length <= 128 && /^[\w.:-]+$/.test(given) ? given : randomUUID();
}
