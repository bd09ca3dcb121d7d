/**
 * Pass: check-providers. Warns about API keys sent in clear over http to another
 * machine, a vendor API called without a key, and per-attempt timeouts that can never fire because the total deadline
 * is shorter. (Providers no model uses are dead config: see check-dead-config.)
 */
import { type CompileContext, child } from "../context.js";
import type { NormalizedPolicy, NormalizedProvider } from "../ir.js";
import { PROVIDER_KINDS } from "../../schemas/catalog/providers.js";
import { isLoopback } from "./values/base-url.js";

/** Reports provider findings; returns its input unchanged. */
export function checkProviders(policy: NormalizedPolicy, ctx: CompileContext): NormalizedPolicy {
  policy.providers.forEach((provider) => {
    if (provider.protocol === "http:" && provider.credentialRefs.length > 0 && !isLoopback(provider.hostname)) {
      ctx.report("key-in-cleartext", { provider: provider.name, host: provider.hostname }, child(provider.at, "baseUrl"));
    }
    // Only on the vendor's own API: a self-hosted or loopback server may need no key.
    // Entra ID tokens stand in for Azure's keys.
    const entra = provider.options.adapter === "azure-openai" && provider.options.entra !== undefined;
    if (PROVIDER_KINDS[provider.vendor].needsKey && !entra && provider.apiKeys.length === 0 && provider.protocol === "https:" && !isLoopback(provider.hostname)) {
      ctx.report("provider-without-key", { provider: provider.name, kind: provider.vendor, host: provider.hostname }, child(provider.at, "kind"));
    }
    checkTimeoutOrder(provider, ctx);
  });
  return policy;
}

/**
 * A connect, first-byte or idle timeout the author wrote that is at least as long as
 * the total one never fires. A phase left at its default is not reported: the author
 * did not ask for it, and the total timeout (which they may have shortened) bounds the
 * attempt anyway.
 */
function checkTimeoutOrder(provider: NormalizedProvider, ctx: CompileContext): void {
  const written = new Set(provider.writtenTimeouts);
  const { totalMs } = provider.timeouts;
  const phases = [
    ["connect", provider.timeouts.connectMs],
    ["firstByte", provider.timeouts.firstByteMs],
    ["idle", provider.timeouts.idleMs],
  ] as const;
  for (const [which, ms] of phases) {
    if (ms < totalMs || !written.has(which)) continue;
    ctx.report("timeout-order", { which, provider: provider.name, ms, total: totalMs }, child(provider.at, "timeouts", which));
  }
}
