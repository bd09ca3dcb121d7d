/**
 * The messages between the main thread and the serving workers (`serve --workers N`).
 * Everything is plain structured-clone data; plans cross as JSON text, which each
 * worker validates and links itself.
 */
import type { SharedStateSnapshot } from "../state/shared-state-handoff.js";
import type { StatsDelta } from "../ops/stats/stats-delta.js";
import type { BreakerView } from "../ops/breaker-view.js";
import type { SharedStateBuffers } from "../state/shared-state.js";

/** What a worker is started with (its `workerData`). */
export interface WorkerStart {
  /** 0 … N-1; worker 0 binds first, the others join its port. */
  index: number;
  planJson: string;
  shared: SharedStateSnapshot;
  /** The quota counters and usage ledger of this process (runtime/shared-state), created by the main thread. */
  quotaState: SharedStateBuffers;
  host: string;
  port: number;
  server: "uws" | "node";
  /** Bind even when the port is in use: uWS workers (the main thread checked it), and `--share-port`. */
  sharePort: boolean;
  /** node:http only: the listening descriptor of worker 0, shared by the others (Node 20 has no SO_REUSEPORT). */
  listenFd: number | null;
  /** The environment secrets are resolved from, when not the process's own. */
  env: Record<string, string | undefined> | null;
  /** Collect dashboard/alert statistics and post them every `statsIntervalMs`. */
  stats: boolean;
  statsIntervalMs: number;
}

export type MainToWorker =
  | { type: "stage"; id: number; planJson: string; shared: SharedStateSnapshot }
  | { type: "commit"; id: number }
  | { type: "abort"; id: number }
  | { type: "metrics"; id: number }
  | { type: "drain" }
  | { type: "close" };

export type WorkerToMain =
  | { type: "ready"; port: number; kind: string; listenFd: number | null }
  | { type: "start-failed"; error: string }
  | { type: "staged"; id: number; ok: true }
  | { type: "staged"; id: number; ok: false; error: string }
  | { type: "committed"; id: number }
  | { type: "metrics"; id: number; json: unknown[] }
  /** Statistics since the last post, and this worker's ejected endpoints now. */
  | { type: "stats"; delta: StatsDelta; breakers: BreakerView }
  | { type: "drained"; aborted: number }
  | { type: "closed" };
