/**
 * API key authentication against the plan's key digests. The presented key is hashed
 * and looked up by digest, so no plaintext key is ever compared: first by its SHA-256
 * (consumers' former, unkeyed entries), then, when the plan has keyed entries, by the
 * HMAC-SHA256 of that digest with the server secret. The final equality check is
 * constant-time on the fixed-length digests. A key past its `expiresAt` is recognised
 * but refused, with its own error.
 *
 * Keys that matched are remembered per plan (token → consumer, digest, expiry), so a
 * client's next request skips the hashing: a bounded map, filled only by keys the plan
 * knows (a flood of wrong keys never enters it), and dropped with the plan. Expiry is
 * still checked on every request.
 */
import { createHmac, hash, timingSafeEqual } from "node:crypto";
import type { LinkedConsumer, LinkedPlan } from "../plan/linked-plan.js";

/** Longest key we hash; anything longer is not a key we issued. */
const MAX_KEY_LENGTH = 512;

/** The bearer token of an Authorization header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined || header.length < 8 || header.length > MAX_KEY_LENGTH + 7) return null;
  if (header.slice(0, 7).toLowerCase() !== "bearer ") return null;
  const token = header.slice(7).trim();
  return token.length > 0 ? token : null;
}

/** The outcome of checking a key: its consumer and the digest it matched (for records that name the key without holding it), a known key that has expired (and when), or no match. */
export type KeyCheck = { readonly consumer: LinkedConsumer; readonly digest: string } | { readonly expiredAt: string } | null;

/** A key that matched: what checkKey answers for it, and when it expires (NaN: never). */
interface KnownKey {
  readonly hit: { readonly consumer: LinkedConsumer; readonly digest: string };
  readonly expires: number;
}

/** Keys remembered per plan; at most KNOWN_KEYS each (then started over: cheap, and bounded whatever the plan holds). */
const knownKeys = new WeakMap<LinkedPlan, Map<string, KnownKey>>();
const KNOWN_KEYS = 4096;

/** Checks the key in `authorization` against the plan's consumers. */
export function checkKey(plan: LinkedPlan, authorization: string | undefined, now = Date.now()): KeyCheck {
  const token = bearerToken(authorization);
  if (token === null) return null;
  let known = knownKeys.get(plan);
  const remembered = known?.get(token);
  if (remembered !== undefined) return now >= remembered.expires ? { expiredAt: new Date(remembered.expires).toISOString() } : remembered.hit;
  const checked = hashAndLookUp(plan, token);
  if (checked === null) return null;
  if (known === undefined) knownKeys.set(plan, (known = new Map()));
  if (known.size >= KNOWN_KEYS) known.clear();
  known.set(token, checked);
  return now >= checked.expires ? { expiredAt: new Date(checked.expires).toISOString() } : checked.hit;
}

/** The plan's entry for `token` by its digest (then by its keyed digest), or null. */
function hashAndLookUp(plan: LinkedPlan, token: string): KnownKey | null {
  // One-shot hash: no Hash object per request (half the cost of createHash().update().digest()).
  let digest = hash("sha256", token, "buffer");
  let hex = digest.toString("hex");
  let consumer = plan.consumersByKeyHash.get(hex);
  if (consumer === undefined && plan.keyHmacSecret != null) {
    digest = createHmac("sha256", plan.keyHmacSecret).update(digest).digest();
    hex = digest.toString("hex");
    consumer = plan.consumersByKeyHmac.get(hex);
  }
  if (consumer === undefined) return null;
  // The map lookup already matched; this keeps the final comparison constant-time.
  if (!timingSafeEqual(digest, Buffer.from(hex, "hex"))) return null;
  return { hit: { consumer, digest: hex }, expires: plan.keyExpiry?.get(hex) ?? Number.NaN };
}

/** The consumer owning the (unexpired) key in `authorization`, or null. */
export function authenticate(plan: LinkedPlan, authorization: string | undefined): LinkedConsumer | null {
  const checked = checkKey(plan, authorization);
  return checked !== null && "consumer" in checked ? checked.consumer : null;
}
