/**
 * Pass: merge-documents. Folds every document into one gateway: lists concatenate
 * in file order (and document order within a file), and `listener` may be set once.
 * Duplicate names are found later, by resolve-refs, from the merged lists.
 */
import type { Consumer } from "../../schemas/policy/consumer.js";
import type { Model } from "../../schemas/policy/model.js";
import type { Provider } from "../../schemas/policy/provider.js";
import type { Route } from "../../schemas/policy/route.js";
import { type CompileContext, child } from "../context.js";
import type { Located, MergedPolicy, Origin, ShapedDocument } from "../ir.js";

/** Concatenates the documents' lists in order; a second `listener` is an error. */
export function mergeDocuments(docs: readonly ShapedDocument[], ctx: CompileContext): MergedPolicy {
  let listener: MergedPolicy["listener"] = null;
  const providers: Located<Provider>[] = [];
  const models: Located<Model>[] = [];
  const routes: Located<Route>[] = [];
  const consumers: Located<Consumer>[] = [];

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
  }

  const first = docs[0];
  return { listener, providers, models, routes, consumers, anchor: first === undefined ? null : { doc: first.source, path: [] } };
}

function collect<T>(into: Located<T>[], items: readonly T[] | undefined, root: Origin, list: string): void {
  items?.forEach((value, i) => into.push({ value, at: child(root, list, i) }));
}
