/**
 * Reloads the plan file: load → validate → link → swap, all or nothing. A plan that
 * fails any step is rejected with a log line and a `failed` reload count, and the last
 * good plan keeps serving. Reloads run one at a time; a request for a reload while one
 * runs is coalesced into one more run after it, so the newest file always wins.
 */
import { log } from "../base/log.js";
import { linkPlan } from "./link-plan.js";
import type { PlanStore } from "./plan-store.js";
import { ServedPlan } from "./served-plan.js";
import type { Plan } from "../../schemas/plan/plan.js";

/** The result of one reload, as the admin endpoint reports it. */
export type ReloadResult = { ok: true; changed: boolean; hash: string } | { ok: false; error: string; hash: string };

export interface ReloaderOptions {
  file: string;
  store: PlanStore;
  env?: NodeJS.ProcessEnv;
  /** Prepares a freshly linked plan before it serves (metric children). */
  prepare?: (served: ServedPlan) => void;
  /** Told about every reload outcome (metrics). */
  onResult?: (result: ReloadResult) => void;
  /**
   * Worker threads: after this thread linked the plan, every worker stages it too;
   * a rejection rejects the reload. `commit` runs right after this thread's swap.
   */
  stage?: (plan: Plan) => Promise<{ commit(): Promise<void>; abort(): void }>;
}

export class PlanReloader {
  readonly #opts: ReloaderOptions;
  #running: Promise<ReloadResult> | null = null;
  #again: Promise<ReloadResult> | null = null;

  constructor(opts: ReloaderOptions) {
    this.#opts = opts;
  }

  /** Reloads now, or right after the reload in progress. */
  reload(reason: string): Promise<ReloadResult> {
    if (this.#running === null) return this.#start(reason);
    this.#again ??= this.#running.then(() => {
      this.#again = null;
      return this.#start(reason);
    });
    return this.#again;
  }

  #start(reason: string): Promise<ReloadResult> {
    const run = this.#run(reason).finally(() => {
      if (this.#running === run) this.#running = null;
    });
    this.#running = run;
    return run;
  }

  async #run(reason: string): Promise<ReloadResult> {
    const { file, store } = this.#opts;
    const before = store.current.hash;
    let result: ReloadResult;
    try {
      // Imported here, not with the module: worker threads (which never read plan files) then never load the validator.
      const { loadPlanFile } = await import("../../schemas/plan/read-plan.js");
      const plan = await loadPlanFile(file);
      if (plan.hash === before) {
        result = { ok: true, changed: false, hash: before };
      } else {
        const served = new ServedPlan(linkPlan(plan, this.#opts.env, store.current));
        this.#opts.prepare?.(served);
        const staged =
          this.#opts.stage === undefined
            ? null
            : await this.#opts.stage(plan).catch(async (err: unknown) => {
                await served.close();
                throw err;
              });
        store.replace(served);
        await staged?.commit();
        for (const note of served.linked.notes) log("warn", note, { plan: plan.hash });
        warnRestartOnly(before, store);
        log("info", "plan reloaded", { reason, plan: plan.hash, previous: before });
        result = { ok: true, changed: true, hash: plan.hash };
      }
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      log("error", "plan reload rejected; the last good plan keeps serving", { reason, file, error, plan: before });
      result = { ok: false, error, hash: before };
    }
    this.#opts.onResult?.(result);
    return result;
  }
}

/** Settings read once at startup; a reload that changes them says so instead of silently ignoring it. */
function warnRestartOnly(previousHash: string, store: PlanStore): void {
  const now = store.current.listener;
  const started = store.startupListener;
  if (JSON.stringify(now.admin) !== JSON.stringify(started.admin) || JSON.stringify(now.audit) !== JSON.stringify(started.audit)) {
    log("warn", "the new plan changes listener.admin or listener.audit: they take effect at the next restart", { plan: store.current.hash, previous: previousHash });
  }
}
