/**
 * Pass: resolve-refs. Builds the name tables (provider and model name → index),
 * reports names defined twice (at the second definition, with the first as related
 * location), reserved names, and every reference that does not resolve, with the
 * nearest known name as a suggestion. Later passes may then look names up blindly.
 */
import { type CompileContext, child } from "../context.js";
import { describePath } from "../diagnostics/describe-path.js";
import { suggestName } from "../diagnostics/suggest.js";
import type { Located, MergedPolicy, Origin, ResolvedPolicy } from "../ir.js";
import { resolveRoutingRefs } from "../routing/resolve-routing-refs.js";

/** Implicit routes are named `model:<name>`; explicit routes may not take such a name. */
export const IMPLICIT_ROUTE_PREFIX = "model:";

/** Builds the name tables and reports duplicate, reserved and unresolved names. */
export function resolveRefs(merged: MergedPolicy, ctx: CompileContext): ResolvedPolicy {
  const providerIndex = nameTable("provider", merged.providers, ctx);
  const modelIndex = nameTable("model", merged.models, ctx);
  nameTable("consumer", merged.consumers, ctx);
  nameTable(
    "route",
    merged.routes.flatMap(({ value, at }) => (value.name === undefined ? [] : [{ value: { name: value.name }, at }])),
    ctx,
  );
  nameTable("secret", merged.secrets, ctx);
  nameTable("constraint", merged.constraints, ctx);
  checkReservedNames(merged, ctx);
  // Pools share the provider namespace: a target names a pool as its `provider`.
  const { poolIndex } = resolveRoutingRefs(merged, providerIndex, ctx);

  const providerNames = [...providerIndex.keys(), ...poolIndex.keys()];
  const modelNames = [...modelIndex.keys()];
  const describe = (at: Origin): string => describePath(at.doc.value, at.path);

  for (const { value: model, at } of merged.models) {
    const refs = [
      ...model.targets.map((t, i) => ({ name: t.provider, at: child(at, "targets", i) })),
      ...(model.fallbacks ?? []).flatMap((f, i) => (f.provider === undefined ? [] : [{ name: f.provider, at: child(at, "fallbacks", i) }])),
    ];
    for (const ref of refs) {
      if (providerIndex.has(ref.name) || poolIndex.has(ref.name)) continue;
      ctx.report("unknown-provider", { what: describe(ref.at), name: ref.name }, child(ref.at, "provider"), {
        suggestion: suggestName(ref.name, providerNames, "providers"),
      });
    }
    // Without `provider`, a fallback names another public model.
    (model.fallbacks ?? []).forEach((f, i) => {
      const fallbackAt = child(at, "fallbacks", i);
      if (f.provider !== undefined) return;
      if (f.model === undefined) ctx.report("fallback-without-target", { what: describe(fallbackAt) }, fallbackAt);
      else if (!modelIndex.has(f.model)) {
        // `{ model: openai }` where `openai` is a provider: the author meant `provider:`.
        const suggestion = providerIndex.has(f.model)
          ? `\`${f.model}\` is a provider: write \`provider: ${f.model}\` (and the upstream \`model\` if it is not \`${model.name}\`)`
          : suggestName(f.model, modelNames, "models");
        ctx.report("unknown-fallback-model", { what: describe(fallbackAt), name: f.model }, child(fallbackAt, "model"), { suggestion });
      }
    });
  }
  for (const { value: route, at } of merged.routes) {
    checkHeaderNames(route.match.headers, child(at, "match", "headers"), ctx);
    if (modelIndex.has(route.model)) continue;
    ctx.report("unknown-route-model", { what: describe(at), name: route.model }, child(at, "model"), {
      suggestion: suggestName(route.model, modelNames, "models"),
    });
  }
  for (const { value: consumer, at } of merged.consumers) {
    (consumer.models ?? []).forEach((name, i) => {
      if (name === "*" || modelIndex.has(name)) return;
      ctx.report("unknown-consumer-model", { consumer: consumer.name, name }, child(at, "models", i), {
        suggestion: suggestName(name, modelNames, "models"),
      });
    });
  }
  return { merged, providerIndex, modelIndex, poolIndex };
}

/** Header names ignore case, so `X-Team` and `x-team` in one route are the same header twice. */
function checkHeaderNames(headers: Readonly<Record<string, unknown>> | undefined, at: Origin, ctx: CompileContext): void {
  const seen = new Map<string, string>();
  for (const name of Object.keys(headers ?? {})) {
    const first = seen.get(name.toLowerCase());
    if (first === undefined) seen.set(name.toLowerCase(), name);
    else {
      ctx.report("duplicate-header-matcher", { header: name.toLowerCase() }, child(at, name), {
        part: "key",
        related: [{ at: child(at, first), message: `\`${first}\` is here`, part: "key" }],
      });
    }
  }
}

/** name → index of the first definition; later definitions are reported. */
function nameTable(kind: string, items: readonly Located<{ name: string }>[], ctx: CompileContext): Map<string, number> {
  const table = new Map<string, number>();
  const firstAt = new Map<string, Origin>();
  items.forEach(({ value, at }, i) => {
    const previous = firstAt.get(value.name);
    if (previous === undefined) {
      table.set(value.name, i);
      firstAt.set(value.name, at);
      return;
    }
    ctx.report("duplicate-name", { kind, name: value.name }, child(at, "name"), {
      related: [{ at: child(previous, "name"), message: `\`${value.name}\` is first defined here` }],
    });
  });
  return table;
}

/**
 * `model:<name>` belongs to implicit routes. `__proto__` cannot be a key of the plan's
 * route map (a JSON object), so it is refused as a model name or exact pattern.
 */
function checkReservedNames(merged: MergedPolicy, ctx: CompileContext): void {
  const protoReason = "it cannot be a key of the plan's route map";
  for (const { value: route, at } of merged.routes) {
    if (route.name?.startsWith(IMPLICIT_ROUTE_PREFIX)) {
      ctx.report("reserved-name", { what: "route name", name: route.name, reason: "`model:<name>` names the implicit route of each model" }, child(at, "name"));
    }
    if (route.match.model === "__proto__") {
      ctx.report("reserved-name", { what: "model pattern", name: "__proto__", reason: protoReason }, child(at, "match", "model"));
    }
  }
  for (const { value: model, at } of merged.models) {
    if (model.name === "__proto__") {
      ctx.report("reserved-name", { what: "model name", name: "__proto__", reason: protoReason }, child(at, "name"));
    }
  }
}
