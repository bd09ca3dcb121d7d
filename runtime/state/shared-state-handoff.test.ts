/** The shared-state handoff: the main thread creates, a worker attaches to the same memory and never creates. */
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { SharedStateHandoff } from "./shared-state-handoff.js";

describe("SharedStateHandoff", () => {
  it("creates buffers in the main thread and hands the same memory to a worker", async () => {
    const main = new SharedStateHandoff();
    const counter = new Int32Array(main.provide("quota:test", 4));
    expect(main.provide("quota:test", 4)).toBe(main.get("quota:test"));
    // A real thread adds 1000 with Atomics while this one adds 1000: no update is lost.
    const worker = new Worker(
      `const { workerData, parentPort } = require("node:worker_threads");
       const cells = new Int32Array(workerData["quota:test"]);
       for (let i = 0; i < 1000; i++) Atomics.add(cells, 0, 1);
       parentPort.postMessage("done");`,
      { eval: true, workerData: main.snapshot() },
    );
    for (let i = 0; i < 1000; i++) Atomics.add(counter, 0, 1);
    await new Promise((resolve) => worker.once("message", resolve));
    await worker.terminate();
    expect(Atomics.load(counter, 0)).toBe(2000);
  });

  it("in a worker returns the adopted buffers and refuses to create state", () => {
    const main = new SharedStateHandoff();
    const buffer = main.provide("health:pool", 16);
    const worker = new SharedStateHandoff();
    worker.adopt(main.snapshot());
    expect(worker.provide("health:pool", 16)).toBe(buffer);
    expect(() => worker.provide("health:other", 8)).toThrow(/was not handed over by the main thread/);
    expect(() => worker.provide("health:pool", 64)).toThrow(/main thread must provide it/);
  });

  it("replaces a buffer that is too small for a new layout (main thread)", () => {
    const main = new SharedStateHandoff();
    const small = main.provide("x", 8);
    const big = main.provide("x", 32);
    expect(big).not.toBe(small);
    expect(big.byteLength).toBe(32);
    expect(main.names).toEqual(["x"]);
  });
});
