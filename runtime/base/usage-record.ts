/**
 * What one settled request used, as the durable stores keep it: one row in
 * PostgreSQL, one set of increments in the fleet ledger. Built once at settlement
 * (stages/quotas) from the request record. Never the API key itself: the key's name
 * from the policy, or a short digest prefix when it has none.
 */

/** How a request ended, for billing: completed, or cut and billed on what was delivered. */
export type UsageOutcome = "complete" | "upstream_cut" | "client_abandoned" | "guardrail_stopped" | "failed";

export interface UsageRecord {
  /** The request id (the row's primary key: a replayed row is never counted twice). */
  readonly requestId: string;
  /** Wall-clock start, ms since the epoch. */
  readonly time: number;
  readonly endpoint: string;
  readonly consumer: string | null;
  readonly team: string | null;
  /** The key's name in the policy, else `sha256:<12 hex>` of it; null without a key. */
  readonly keyName: string | null;
  /** Cost-allocation tags (consumer, key, allowed request headers), sorted by name. */
  readonly tags: Readonly<Record<string, string>>;
  readonly route: string | null;
  readonly model: string | null;
  readonly provider: string | null;
  /** The upstream model of the target that served (or last tried to). */
  readonly target: string | null;
  readonly attempts: number;
  readonly inputTokens: number;
  readonly cachedInputTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  readonly audioSeconds: number;
  readonly characters: number;
  readonly costUsd: number;
  readonly latencyMs: number;
  readonly status: number;
  readonly outcome: UsageOutcome;
  /** True when some figure is the gateway's estimate (the upstream reported no usage). */
  readonly estimated: boolean;
  readonly stream: boolean;
  readonly cache: string | null;
  readonly plan: string;
}

/** `k=v,k=v` of tags sorted by name (the ledger's row key part). */
export function tagsKey(tags: Readonly<Record<string, string>>): string {
  return Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]}`)
    .join(",");
}

/** Parses `tagsKey`'s form back. */
export function parseTagsKey(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (text === "") return out;
  for (const pair of text.split(",")) {
    const eq = pair.indexOf("=");
    if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
