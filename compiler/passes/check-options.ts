/**
 * Pass: check-options. Options that would be silently ignored, and combinations that
 * say two things at once. Each is legal, so each is a warning with the fix, except
 * matching a credential header's value, which would put a secret into the policy.
 *
 * Contradictory header conditions (a route that can never match) are reported by
 * check-routes, with the other reasons a route is unreachable.
 */
import { type CompileContext, child } from "../context.js";
import { describePath } from "../diagnostics/describe-path.js";
import type { NormalizedPolicy } from "../ir.js";
import { regexMatches } from "../routing/header-conditions.js";

/** Headers whose values are credentials: a route testing their value would hold a secret. */
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(["authorization", "proxy-authorization", "cookie", "x-api-key", "api-key"]);

/** Reports ignored options and contradictions; returns its input unchanged. */
export function checkOptions(policy: NormalizedPolicy, ctx: CompileContext): NormalizedPolicy {
  for (const provider of policy.providers) {
    if (provider.optional && provider.credentialRefs.length === 0) {
      ctx.report("optional-without-keys", { provider: provider.name }, child(provider.at, "optional"), { part: "key" });
    }
  }
  for (const model of policy.models) {
    const [only, ...others] = model.targets;
    if (only !== undefined && others.length === 0 && only.writtenWeight && only.weight > 0) {
      ctx.report("weight-of-only-target", { model: model.name }, child(only.at, "weight"), { part: "key" });
    }
    for (const fallback of model.fallbacks) {
      if (fallback.kind !== "model" || !fallback.writtenPrice) continue;
      const target = policy.models[fallback.model]?.name ?? "?";
      ctx.report("price-on-model-fallback", { model: target }, child(fallback.at, "price"), { part: "key" });
    }
  }
  for (const consumer of policy.consumers) {
    const star = consumer.allowList?.find((entry) => entry.value === "*");
    if (star !== undefined && (consumer.allowList?.length ?? 0) > 1) {
      ctx.report("allow-list-star-and-names", { consumer: consumer.name }, star.at);
    }
  }
  for (const route of policy.routes) {
    for (const h of route.headers) {
      if (CREDENTIAL_HEADERS.has(h.header) && (h.exact !== null || h.regex !== null)) {
        // Points at the value, so renderers mask it in every code frame.
        const valueAt = child(h.at, h.exact !== null ? "exact" : "regex");
        ctx.report("header-matches-credential", { what: describePath(valueAt.doc.value, valueAt.path) }, valueAt);
      }
      if (h.exact !== null && h.regex !== null && regexMatches(h.regex, h.exact) === true) {
        ctx.report("header-exact-and-regex", { header: h.header }, child(h.at, "regex"), { part: "key" });
      }
    }
  }
  for (const constraint of policy.constraints) {
    if (constraint.providerTags.size === 0) {
      ctx.report("constraint-requires-nothing", { constraint: constraint.name }, child(constraint.at, "providers", "tags"));
    }
  }
  return policy;
}
