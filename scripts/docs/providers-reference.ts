/**
 * Renders docs/reference/providers.md from the provider catalog
 * (schemas/catalog/providers.ts): every `kind` a provider may have, the protocol it
 * speaks, its default base URL, whether it needs a key, and its departures from
 * OpenAI's API (quirks) that a `compat:` block may override.
 */
import { PROVIDER_KINDS, type ProviderKind } from "../../schemas/catalog/providers.js";
import { cell, generatedBanner, table } from "./markdown.js";

/** The quirks of an OpenAI-compatible kind, in words; "—" for OpenAI's own behaviour. */
function quirksOf(k: ProviderKind): string {
  if (k.quirks === null) return "";
  const q = k.quirks;
  const parts = [
    ...Object.entries(q.renameParams).map(([from, to]) => `\`${from}\` → \`${to}\``),
    ...(q.dropParams.length > 0 ? [`drops ${q.dropParams.map((p) => `\`${p}\``).join(", ")}`] : []),
    ...(q.streamUsage ? [] : ["no `stream_options` sent (usage read from the stream as it comes)"]),
    ...(q.tools ? [] : ["no tools"]),
    ...(q.jsonMode ? [] : ["no JSON mode"]),
  ];
  return parts.length === 0 ? "—" : parts.join("; ");
}

/** docs/reference/providers.md. */
export function providersReferenceDocument(): string {
  const rows = Object.entries(PROVIDER_KINDS as Record<string, ProviderKind>).map(([name, k]) => [
    `\`${name}\``,
    `\`${k.adapter}\``,
    k.defaultBaseUrl === null ? "—" : `\`${k.defaultBaseUrl}\``,
    k.needsKey ? "yes" : "no",
    quirksOf(k),
    cell(k.summary),
  ]);
  return [
    generatedBanner("the provider catalog, schemas/catalog/providers.ts"),
    "",
    "# Provider catalog",
    "",
    "Every `kind` a provider may have. A kind is a wire protocol of its own (an adapter) or a vendor",
    'that speaks OpenAI Chat Completions, described as data: its default base URL ("—": the policy',
    "gives `baseUrl`, or for Bedrock and Vertex the region or location), whether calls need `apiKeys`",
    "(a provider of such a kind without them is warning [TG6005](diagnostics.md#tg6005)), and how it",
    "departs from OpenAI's API. A provider's `compat:` block overrides the quirks. How each protocol",
    "is mapped, and the settings each kind takes: [Providers](../providers.md).",
    "",
    table(["kind", "protocol", "default `baseUrl`", "`apiKeys` expected", "quirks", "description"], rows),
    "",
  ].join("\n");
}
