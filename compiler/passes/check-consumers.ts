/**
 * Pass: check-consumers. A key digest identifies exactly one consumer, so a digest
 * listed twice is an error. A consumer allowed no model, and a gateway without
 * consumers (every request gets 401), are legal but almost never meant: warnings.
 * Keys: a keyed (`hmac`) digest needs the server secret; a key that has expired, or
 * expires within `listener.apiKeys.expiryWarning` (default 14 days) of the check, is a
 * warning; so is an unkeyed `sha256` digest once keyed digests are configured.
 */
import { type CompileContext, child } from "../context.js";
import type { NormalizedPolicy, Origin } from "../ir.js";
import { gatewaySite } from "./gateway-site.js";
import { parseDuration } from "./values/duration.js";

/** Default warning window for keys about to expire. */
const DEFAULT_EXPIRY_WARNING = "336h";

/** Reports consumer findings; returns its input unchanged. */
export function checkConsumers(policy: NormalizedPolicy, ctx: CompileContext): NormalizedPolicy {
  const owners = new Map<string, { consumer: string; at: Origin }>();
  for (const consumer of policy.consumers) {
    if (policy.models.length > 0 && !consumer.allowedModels.includes(true)) {
      ctx.report("consumer-allowed-nothing", { consumer: consumer.name }, child(consumer.at, "models"), { part: "key" });
    }
    checkKeyDigests(policy, consumer, ctx);
    for (const key of [...consumer.keys, ...(consumer.hmacKeys ?? [])]) {
      const owner = owners.get(key.value);
      if (owner === undefined) {
        owners.set(key.value, { consumer: consumer.name, at: key.at });
        continue;
      }
      ctx.report("duplicate-consumer-key", { other: owner.consumer }, key.at, {
        related: [{ at: owner.at, message: `the same digest for consumer \`${owner.consumer}\`` }],
      });
    }
  }
  const site = gatewaySite(policy, ctx);
  if (policy.consumers.length === 0 && site !== undefined) ctx.report("no-consumers", {}, site);
  return policy;
}

function checkKeyDigests(policy: NormalizedPolicy, consumer: NormalizedPolicy["consumers"][number], ctx: CompileContext): void {
  const keyed = policy.listener.apiKeys !== undefined;
  const firstHmac = consumer.hmacKeys?.[0];
  if (!keyed && firstHmac !== undefined) ctx.report("hmac-key-without-secret", { consumer: consumer.name }, firstHmac.at);
  if (keyed) for (const key of consumer.keys) ctx.report("unkeyed-key-digest", { consumer: consumer.name }, key.at);
  const warning = parseDuration(policy.apiKeyExpiryWarning ?? DEFAULT_EXPIRY_WARNING);
  const windowMs = warning.ok ? warning.value : 14 * 86_400_000;
  const now = ctx.options.now ?? Date.now();
  for (const e of consumer.expiry ?? []) {
    const expiresAt = new Date(e.expiresAt).toISOString();
    if (e.expiresAt <= now) ctx.report("key-expired", { consumer: consumer.name, expiresAt }, e.at);
    else if (e.expiresAt - now <= windowMs)
      ctx.report("key-expiring", { consumer: consumer.name, expiresAt, window: String(policy.apiKeyExpiryWarning ?? DEFAULT_EXPIRY_WARNING) }, e.at);
  }
}
