/** Chooses the listener implementation: explicit, never a silent fallback. */
import type { Listener, ListenOptions, ServerKind } from "./exchange.js";
import { listenNode } from "./node-listener.js";
import { listenUws } from "./uws-listener.js";

export function listen(kind: ServerKind, opts: ListenOptions): Promise<Listener> {
  return kind === "uws" ? listenUws(opts) : listenNode(opts);
}
