/**
 * The in-process store is shared by every worker thread of a gateway: two real
 * worker threads attach to the same memory and admit against one limit at the same
 * time. Exactly `limit` admissions succeed, whatever the interleaving: no double
 * admission, no lost update. The ledger adds up the same way.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { createSharedState } from "../../runtime/state/shared-state.js";
import { LocalCounterStore } from "../../runtime/state/counters/local-store.js";
import { REPO_ROOT } from "../support/repo-paths.js";
import { tsWorker } from "../support/ts-worker.js";

const STORE = resolve(REPO_ROOT, "runtime/state/counters/local-store.ts");
const STATE = resolve(REPO_ROOT, "runtime/state/shared-state.ts");
const LEDGER = resolve(REPO_ROOT, "runtime/state/ledger.ts");

const WORKER = `
  const { attachSharedState } = await load(workerData.state);
  const { LocalCounterStore } = await load(workerData.store);
  const { UsageLedger } = await load(workerData.ledger);
  const state = attachSharedState(workerData.buffers);
  const store = new LocalCounterStore(state.quotas);
  const ledger = new UsageLedger(state.ledger);
  // Wait for the start signal so both threads run at once.
  const go = new Int32Array(workerData.go);
  parentPort.postMessage({ ready: true });
  Atomics.wait(go, 0, 0);
  let admitted = 0;
  let tokens = 0;
  for (let i = 0; i < workerData.attempts; i++) {
    const amount = 1 + (i % 7);
    const spec = { key: "q|tokens|*", bucket: false, capacity: workerData.limit, window: 0, windowEnd: 86400000, ratePerMs: 0, amount };
    const req = { key: "q|requests|*", bucket: false, capacity: 1e9, window: 0, windowEnd: 86400000, ratePerMs: 0, amount: 1 };
    const out = store.admit(1000, [req, spec]);
    if (out.refused < 0) { admitted++; tokens += amount; }
    ledger.add(1000, "c", "t", "m", "p", { inputTokens: 1, cachedInputTokens: 0, outputTokens: 2, reasoningTokens: 0, costUsd: 0.5 });
  }
  parentPort.postMessage({ admitted, tokens });
`;

describe("shared state across worker threads", () => {
  it("admits exactly up to the limit from two threads at once, and the ledger loses no update", async () => {
    const state = createSharedState({ quotaCounters: 64, ledgerRows: 64 });
    const go = new SharedArrayBuffer(4);
    const limit = 20_000;
    const attempts = 5_000;
    const workers = [0, 1].map(() => tsWorker(WORKER, { buffers: state.buffers, go, limit, attempts, store: STORE, state: STATE, ledger: LEDGER }));
    const ready: Promise<void>[] = [];
    const results = workers.map(
      (w) =>
        new Promise<{ admitted: number; tokens: number }>((done, fail) => {
          let markReady: () => void = () => undefined;
          ready.push(new Promise((r) => (markReady = r)));
          w.on("message", (m: { admitted: number; tokens: number; error?: string; ready?: boolean }) => {
            if (m.ready === true) markReady();
            else if (m.error !== undefined) fail(new Error(m.error));
            else done(m);
          });
          w.once("error", fail);
        }),
    );
    // Both loaded and waiting: release them together.
    await Promise.all(ready);
    Atomics.store(new Int32Array(go), 0, 1);
    Atomics.notify(new Int32Array(go), 0);
    const [a, b] = await Promise.all(results);
    await Promise.all(workers.map((w) => w.terminate()));

    const store = new LocalCounterStore(state.quotas);
    const rows = await store.read(1000, "q|");
    const used = rows.find((r) => r.key === "q|tokens|*")!.value;
    const requests = rows.find((r) => r.key === "q|requests|*")!.value;
    // Both threads together admitted exactly what the counters hold, and never more than the limit.
    expect(a!.tokens + b!.tokens).toBe(used);
    expect(used).toBeLessThanOrEqual(limit);
    expect(requests).toBe(a!.admitted + b!.admitted);
    // 10,000 attempts of 1..7 tokens (avg 4) want ~40k: the limit binds, and the last refusal left less than 7 unused.
    expect(limit - used).toBeLessThan(7);
    const { UsageLedger } = await import("../../runtime/state/ledger.js");
    const [row] = new UsageLedger(state.ledger).rows(1000);
    expect(row!.total.requests).toBe(2 * attempts);
    expect(row!.total.outputTokens).toBe(4 * attempts);
    expect(row!.total.costUsd).toBe(attempts);
  }, 60_000);
});
