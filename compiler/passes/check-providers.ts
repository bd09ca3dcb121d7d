/**
 * Pass: check-providers. Refuses base URLs (providers and pool endpoints, which serve
 * moderation and embeddings too) that aim the gateway inward: link-local and metadata
 * addresses always, private ones unless the provider is marked `network: private`
 * (the same rule the runtime applies to every address a name resolves to). Warns about
 * names that look private, API keys sent in clear over http to another machine, a
 * vendor API called without a key, and per-attempt timeouts that can never fire
 * because the total deadline is shorter. (Providers no model uses are dead config: see
 * check-dead-config.)
 */
import { type CompileContext, child } from "../context.js";
import type { NormalizedPolicy, NormalizedProvider } from "../ir.js";
import { PROVIDER_KINDS } from "../../schemas/catalog/providers.js";
import { isLoopback } from "./values/base-url.js";
import { addressAllowed, classifyHost, type AddressClass } from "../../schemas/plan/address-class.js";
import { describePath } from "../diagnostics/describe-path.js";

/** How a diagnostic names each forbidden class. */
const FORBIDDEN: Partial<Record<AddressClass, string>> = {
  metadata: "a cloud metadata service",
  "link-local": "a link-local address",
  unspecified: "the unspecified address (it reaches this machine)",
  multicast: "a multicast address",
  reserved: "a reserved address",
};

/** Suffixes and shapes of names that only resolve inside a private network. */
const INTERNAL_NAME = /(^[^.]+$)|\.(internal|local|localdomain|lan|corp|home\.arpa|svc|cluster\.local)$/;

/** The base URL's host against the provider's network: forbidden, private without the opt-in, or a private-looking name. */
function checkAddress(provider: NormalizedProvider, ctx: CompileContext): void {
  const at = child(provider.at, "baseUrl");
  const what = describePath(at.doc.value, at.path);
  const host = provider.hostname;
  const cls = classifyHost(host);
  // A pool endpoint's provider is named `<pool>/<endpoint>`: the opt-in belongs on the pool.
  const owner = provider.name.includes("/") ? `pool \`${provider.name.slice(0, provider.name.indexOf("/"))}\`` : `provider \`${provider.name}\``;
  if (cls !== null && FORBIDDEN[cls] !== undefined) return ctx.report("upstream-address-forbidden", { what, host, kind: FORBIDDEN[cls] }, at);
  if (cls !== null && !addressAllowed(cls, provider.network)) return ctx.report("upstream-address-private", { what, host, provider: provider.name, owner }, at);
  if (cls === null && provider.network === "public" && INTERNAL_NAME.test(host.toLowerCase().replace(/\.$/, ""))) ctx.report("upstream-name-internal", { what, host, owner }, at);
}

/** Reports provider findings; returns its input unchanged. */
export function checkProviders(policy: NormalizedPolicy, ctx: CompileContext): NormalizedPolicy {
  policy.providers.forEach((provider) => {
    checkAddress(provider, ctx);
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
