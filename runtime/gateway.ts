/**
 * Starts the runtime on a plan: link, then listen. The runtime's public entry point;
 * it takes a Plan (data) and never anything from the authoring side.
 */
import type { Plan } from "../schemas/plan/plan.js";
import { linkPlan } from "./plan/link-plan.js";
import { PlanStore } from "./plan/plan-store.js";
import { createRequestHandler } from "./pipeline/handle-request.js";
import type { Listener, ServerKind } from "./server/exchange.js";
import { listen } from "./server/listen.js";
import { log } from "./observability/log.js";

export interface GatewayOptions {
  plan: Plan;
  host?: string;
  port?: number;
  server?: ServerKind;
  env?: NodeJS.ProcessEnv;
}

export interface Gateway {
  readonly port: number;
  readonly url: string;
  readonly listener: Listener;
  readonly store: PlanStore;
  /** Stops listening and closes upstream pools. */
  close(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const linked = linkPlan(opts.plan, opts.env);
  for (const note of linked.notes) log("warn", note);
  const store = new PlanStore(linked);
  const host = opts.host ?? "127.0.0.1";
  let listener: Listener;
  try {
    listener = await listen(opts.server ?? "uws", { host, port: opts.port ?? 8080, handler: createRequestHandler(store) });
  } catch (err) {
    await store.close();
    throw err;
  }
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    port: listener.port,
    url: `http://${urlHost}:${listener.port}`,
    listener,
    store,
    close: async () => {
      store.ready = false;
      await listener.close();
      await store.close();
    },
  };
}
