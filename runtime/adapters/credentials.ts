/** Key rotation shared by the adapters that send an API key in a header. */
import type { LinkedUpstream } from "../plan/linked-plan.js";

/**
 * Appends a key's header to flat header pairs; nothing when the upstream has none. `key`
 * is the key the reliability layer chose (its index among the upstream's keys, see
 * ChatRequestContext.key); without one, the next key round-robin.
 */
export function addKeyHeader(upstream: LinkedUpstream, headers: string[], key = -1): void {
  const values = upstream.authorizations;
  if (values.length === 0 || upstream.authHeader === null) return;
  headers.push(upstream.authHeader, values[key >= 0 && key < values.length ? key : upstream.nextKey++ % values.length]!);
}
