/**
 * Pass: check-providers. Warns about API keys sent in clear over http to another
 * machine, providers no model uses (dead config), and per-attempt timeouts that can
 * never fire because the total deadline is shorter.
 */
import { type CompileContext, child } from "../context.js";
import type { NormalizedPolicy, NormalizedProvider } from "../ir.js";
import { isLoopback } from "./values/base-url.js";

/** Reports provider findings; returns its input unchanged. */
export function checkProviders(policy: NormalizedPolicy, ctx: CompileContext): NormalizedPolicy {
  const used = new Set<number>();
  for (const model of policy.models) for (const t of [...model.targets, ...model.fallbacks]) used.add(t.provider);

  policy.providers.forEach((provider, i) => {
    if (provider.protocol === "http:" && provider.apiKeys.length > 0 && !isLoopback(provider.hostname)) {
      ctx.report("key-in-cleartext", { provider: provider.name, host: provider.hostname }, child(provider.at, "baseUrl"));
    }
    if (!used.has(i)) ctx.report("unused-provider", { provider: provider.name }, child(provider.at, "name"));
    checkTimeoutOrder(provider, ctx);
  });
  return policy;
}

/** A connect, first-byte or idle timeout at least as long as the total one never fires. */
function checkTimeoutOrder(provider: NormalizedProvider, ctx: CompileContext): void {
  const written = new Set(provider.writtenTimeouts);
  const { totalMs } = provider.timeouts;
  const phases = [
    ["connect", provider.timeouts.connectMs],
    ["firstByte", provider.timeouts.firstByteMs],
    ["idle", provider.timeouts.idleMs],
  ] as const;
  for (const [which, ms] of phases) {
    // Only when the author wrote one of the two; defaults are consistent with each other.
    if (ms < totalMs || !(written.has(which) || written.has("total"))) continue;
    const field = written.has(which) ? which : "total";
    ctx.report("timeout-order", { which, provider: provider.name, ms, total: totalMs }, child(provider.at, "timeouts", field));
  }
}
