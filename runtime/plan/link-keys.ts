/**
 * Consumers' API keys linked: lookups by the unkeyed SHA-256 digest (the former form),
 * by the keyed digest (HMAC-SHA256 of the key's SHA-256 with the server secret, so a
 * leaked plan gives no offline way to test guessed keys), and each key's expiry. The
 * secret is resolved here, once per plan; a plan with keyed digests and no resolvable
 * secret does not link (no key could match).
 */
import type { Plan } from "../../schemas/plan/plan.js";
import { PlanError } from "../../schemas/plan/plan-error.js";
import { resolveSecret } from "../base/secrets.js";
import type { LinkedConsumer } from "./linked-plan.js";

export interface LinkedKeys {
  /** Lower-case hex SHA-256 of an API key → consumer. */
  readonly consumersByKeyHash: ReadonlyMap<string, LinkedConsumer>;
  /** Lower-case hex HMAC-SHA256 of the key's SHA-256 → consumer; empty when the plan has no keyed digests. */
  readonly consumersByKeyHmac: ReadonlyMap<string, LinkedConsumer>;
  /** The secret keying `consumersByKeyHmac`, or null when the plan has no keyed digests. */
  readonly keyHmacSecret: Buffer | null;
  /** Digest (either form) → the instant (ms) the key expires; only keys that expire. */
  readonly keyExpiry: ReadonlyMap<string, number>;
  /** Digest (either form) → the key's name (null: unnamed) and the cost-allocation tags of its requests (consumer's, then key's); only keys with either. */
  readonly keyLabels: ReadonlyMap<string, KeyLabels>;
}

/** What usage records and the ledger know a key by: never the key itself. */
export interface KeyLabels {
  readonly name: string | null;
  readonly tags: Readonly<Record<string, string>>;
}

export function linkKeys(plan: Plan, env: NodeJS.ProcessEnv): LinkedKeys {
  const consumersByKeyHash = new Map<string, LinkedConsumer>();
  const consumersByKeyHmac = new Map<string, LinkedConsumer>();
  const keyExpiry = new Map<string, number>();
  const keyLabels = new Map<string, KeyLabels>();
  for (const [index, c] of plan.consumers.entries()) {
    const consumer: LinkedConsumer = { index, name: c.name, allowed: c.allowedModels };
    for (const hash of c.keySha256) consumersByKeyHash.set(hash, consumer);
    for (const mac of c.keyHmac ?? []) consumersByKeyHmac.set(mac, consumer);
    for (const [digest, at] of Object.entries(c.keyExpiry ?? {})) keyExpiry.set(digest, Date.parse(at));
    // keyNames and keyTags run parallel to keySha256 followed by keyHmac.
    [...c.keySha256, ...(c.keyHmac ?? [])].forEach((digest, k) => {
      const name = c.keyNames?.[k] ?? null;
      const keyTags = c.keyTags?.[k] ?? null;
      if (name !== null || c.tags !== undefined || keyTags !== null) keyLabels.set(digest, { name, tags: Object.freeze(sortTags({ ...c.tags, ...keyTags })) });
    });
  }
  let keyHmacSecret: Buffer | null = null;
  const ref = plan.listener.apiKeys?.hmacSecret;
  if (ref !== undefined && consumersByKeyHmac.size > 0) {
    const secret = resolveSecret(ref, env);
    if (!secret.ok) throw new PlanError(`listener.apiKeys.hmacSecret: ${secret.problem}; consumers' keyed (hmac) key digests cannot be checked without it`);
    keyHmacSecret = Buffer.from(secret.value);
  }
  return { consumersByKeyHash, consumersByKeyHmac, keyHmacSecret, keyExpiry, keyLabels };
}

/** Tags with their names in order (records and the ledger key rows by them). */
function sortTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(tags)
      .sort()
      .map((k) => [k, tags[k]!]),
  );
}
