/**
 * API key authentication against the plan's SHA-256 key digests. The presented key
 * is hashed and looked up by digest, so no plaintext key is ever compared; the final
 * equality check is constant-time on the fixed-length digests.
 */
import { hash, timingSafeEqual } from "node:crypto";
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

/** The consumer owning the key in `authorization`, or null. `out.digest` receives the key's hex SHA-256 (for records that name the key without holding it). */
export function authenticate(plan: LinkedPlan, authorization: string | undefined, out?: { digest: string }): LinkedConsumer | null {
  const token = bearerToken(authorization);
  if (token === null) return null;
  // One-shot hash: no Hash object per request (half the cost of createHash().update().digest()).
  const digest = hash("sha256", token, "buffer");
  const hex = digest.toString("hex");
  if (out !== undefined) out.digest = hex;
  const consumer = plan.consumersByKeyHash.get(hex);
  if (consumer === undefined) return null;
  // The map lookup already matched; this keeps the final comparison constant-time.
  return timingSafeEqual(digest, Buffer.from(hex, "hex")) ? consumer : null;
}
