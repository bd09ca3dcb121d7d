/** Key rotation shared by the adapters that send an API key in a header. */
import type { LinkedUpstream } from "../plan/linked-plan.js";

/** Appends the next key's header (round-robin over the upstream's keys) to flat header pairs; nothing when it has none. */
export function addKeyHeader(upstream: LinkedUpstream, headers: string[]): void {
  const values = upstream.authorizations;
  if (values.length === 0 || upstream.authHeader === null) return;
  headers.push(upstream.authHeader, values[upstream.nextKey++ % values.length]!);
}
