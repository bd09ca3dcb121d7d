/** The runtime's layers, top to bottom, as runtime/README.md lists them (layers.test.ts checks the two agree). */
import type { LayerRules } from "./import-graph.js";

export const RUNTIME_LAYERS: LayerRules = {
  root: "runtime",
  order: ["workers", "gateway.ts", "ops", "pipeline", "plan", "stages", "routing", "reliability", "adapters", "upstream", "server", "canonical", "state", "base"],
};
