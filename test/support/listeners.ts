/**
 * The listeners the server suites run against: both where a native uWebSockets.js
 * build loads, node:http alone where none does (Node 22 and 24 on glibc < 2.38, as in
 * the Node 22 run of `npm test`). Not a skip: uWS cannot run there, and the gateway
 * itself serves on node:http there. On Node 20, where the bundled build must load,
 * runtime/server/load-uws.test.ts fails if it stops loading.
 */
import type { ServerKind } from "../../runtime/server/exchange.js";
import { probeUws } from "../../runtime/server/load-uws.js";

/** True when a native uWS build loads in this process. */
export const UWS_LOADS = "uws" in probeUws();

export const LISTENERS: readonly ServerKind[] = UWS_LOADS ? ["uws", "node"] : ["node"];
