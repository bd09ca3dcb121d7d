/**
 * Consumers' API keys linked: lookups by the unkeyed SHA-256 digest (the former form),
 * by the keyed digest (HMAC-SHA256 of the key's SHA-256 with the server secret, so a
 * leaked plan gives no offline way to test guessed keys), and each key's expiry. The
 * secret is resolved here, once per plan; a plan with keyed digests and no resolvable
 * secret does not link (no key could match).
 */
import type { Plan } from "../../schemas/plan/plan.js";
import { PlanError } from "../../schemas/plan/read-plan.js";
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
}

export function linkKeys(plan: Plan, env: NodeJS.ProcessEnv): LinkedKeys {
  const consumersByKeyHash = new Map<string, LinkedConsumer>();
  const consumersByKeyHmac = new Map<string, LinkedConsumer>();
  const keyExpiry = new Map<string, number>();
  for (const [index, c] of plan.consumers.entries()) {
    const consumer: LinkedConsumer = { index, name: c.name, allowed: c.allowedModels };
    for (const hash of c.keySha256) consumersByKeyHash.set(hash, consumer);
    for (const mac of c.keyHmac ?? []) consumersByKeyHmac.set(mac, consumer);
    for (const [digest, at] of Object.entries(c.keyExpiry ?? {})) keyExpiry.set(digest, Date.parse(at));
  }
  let keyHmacSecret: Buffer | null = null;
  const ref = plan.listener.apiKeys?.hmacSecret;
  if (ref !== undefined && consumersByKeyHmac.size > 0) {
    const secret = resolveSecret(ref, env);
    if (!secret.ok) throw new PlanError(`listener.apiKeys.hmacSecret: ${secret.problem}; consumers' keyed (hmac) key digests cannot be checked without it`);
    keyHmacSecret = Buffer.from(secret.value);
  }
  return { consumersByKeyHash, consumersByKeyHmac, keyHmacSecret, keyExpiry };
}
