/**
 * Pass: check-consumers. A key digest identifies exactly one consumer, so a digest
 * listed twice is an error. A consumer allowed no model, and a gateway without
 * consumers (every request gets 401), are legal but almost never meant: warnings.
 */
import { type CompileContext, child } from "../context.js";
import type { NormalizedPolicy, Origin } from "../ir.js";
import { gatewaySite } from "./gateway-site.js";

/** Reports consumer findings; returns its input unchanged. */
export function checkConsumers(policy: NormalizedPolicy, ctx: CompileContext): NormalizedPolicy {
  const owners = new Map<string, { consumer: string; at: Origin }>();
  for (const consumer of policy.consumers) {
    if (policy.models.length > 0 && !consumer.allowedModels.includes(true)) {
      ctx.report("consumer-allowed-nothing", { consumer: consumer.name }, child(consumer.at, "models"), { part: "key" });
    }
    for (const key of consumer.keys) {
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
