/**
 * Pass: merge-documents. Folds every document into one gateway: lists concatenate
 * in file order (and document order within a file), and `listener` and `limits` may
 * each be set once.
 * Duplicate names are found later, by resolve-refs, from the merged lists.
 */
import type { Classifier } from "../../schemas/policy/classifier.js";
import type { Constraint } from "../../schemas/policy/constraint.js";
import type { Consumer } from "../../schemas/policy/consumer.js";
import type { GuardrailSet } from "../../schemas/policy/guardrail.js";
import type { Model } from "../../schemas/policy/model.js";
import type { Pool } from "../../schemas/policy/pool.js";
import type { Provider } from "../../schemas/policy/provider.js";
import type { Quota } from "../../schemas/policy/quota.js";
import type { Route } from "../../schemas/policy/route.js";
import type { SecretDeclaration } from "../../schemas/policy/secret.js";
import { type CompileContext, child } from "../context.js";
import type { Located, MergedPolicy, Origin, ShapedDocument } from "../ir.js";

/** Concatenates the documents' lists in order; a second `listener` is an error. */
export function mergeDocuments(docs: readonly ShapedDocument[], ctx: CompileContext): MergedPolicy {
  let listener: MergedPolicy["listener"] = null;
  const providers: Located<Provider>[] = [];
  const models: Located<Model>[] = [];
  const routes: Located<Route>[] = [];
  const consumers: Located<Consumer>[] = [];
  const secrets: Located<SecretDeclaration>[] = [];
  const constraints: Located<Constraint>[] = [];
  const guardrails: Located<GuardrailSet>[] = [];
  const pools: Located<Pool>[] = [];
  const classifiers: Located<Classifier>[] = [];
  let limits: MergedPolicy["limits"] = null;
  const quotas: Located<Quota>[] = [];
  let stores: MergedPolicy["stores"] = null;
  let costTags: MergedPolicy["costTags"] = null;

  for (const { source, policy } of docs) {
    const root: Origin = { doc: source, path: [] };
    if (policy.listener !== undefined) {
      const at = child(root, "listener");
      if (listener === null) {
        listener = { value: policy.listener, at };
      } else {
        ctx.report("duplicate-listener", {}, at, {
          part: "key",
          related: [{ at: listener.at, message: "the first `listener` is here", part: "key" }],
        });
      }
    }
    collect(providers, policy.providers, root, "providers");
    collect(models, policy.models, root, "models");
    collect(routes, policy.routes, root, "routes");
    collect(consumers, policy.consumers, root, "consumers");
    collect(secrets, policy.secrets, root, "secrets");
    collect(constraints, policy.constraints, root, "constraints");
    collect(quotas, policy.quotas, root, "quotas");
    if (policy.stores !== undefined) {
      const at = child(root, "stores");
      if (stores === null) stores = { value: policy.stores, at };
      else ctx.report("quota-duplicate-stores", {}, at, { part: "key", related: [{ at: stores.at, message: "the first `stores` is here", part: "key" }] });
    }
    if (policy.costTags !== undefined) {
      const at = child(root, "costTags");
      if (costTags === null) costTags = { value: policy.costTags, at };
      else ctx.report("duplicate-cost-tags", {}, at, { part: "key", related: [{ at: costTags.at, message: "the first `costTags` is here", part: "key" }] });
    }
    collect(guardrails, policy.guardrails, root, "guardrails");
    collect(pools, policy.pools, root, "pools");
    collect(classifiers, policy.classifiers, root, "classifiers");
    if (policy.limits !== undefined) {
      const at = child(root, "limits");
      if (limits === null) limits = { value: policy.limits, at };
      else ctx.report("duplicate-limits", {}, at, { part: "key", related: [{ at: limits.at, message: "the first `limits` is here", part: "key" }] });
    }
  }

  const first = docs[0];
  return {
    listener,
    providers,
    models,
    routes,
    consumers,
    secrets,
    limits,
    constraints,
    quotas,
    stores,
    costTags,
    guardrails,
    pools,
    classifiers,
    documents: docs,
    anchor: first === undefined ? null : { doc: first.source, path: [] },
  };
}

function collect<T>(into: Located<T>[], items: readonly T[] | undefined, root: Origin, list: string): void {
  items?.forEach((value, i) => into.push({ value, at: child(root, list, i) }));
}
