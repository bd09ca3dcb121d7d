/**
 * The attempt loop against a fake driver: the plan is compiled and linked for real
 * (planner, breakers, keys), the driver records what the loop asks of it and reports
 * outcomes as the test says. Timers are faked.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ProviderError } from "../canonical/provider-error.js";
import { compileYaml } from "../../test/support/compile.js";
import { linkPlan } from "../plan/link-plan.js";
import type { LinkedPlan, LinkedTarget } from "../plan/linked-plan.js";
import { ServedPlan } from "../plan/served-plan.js";
import { RequestRecord } from "../base/request-record.js";
import { setQuietLogs } from "../base/log.js";
import { AttemptLoop, type AttemptDriver, type AttemptSpec, type LoopEnd } from "./attempt-loop.js";

const POLICY = `apiVersion: tollgate/v1
providers:
  - { name: a, kind: openai-compatible, baseUrl: "http://a.test/v1" }
  - { name: b, kind: openai-compatible, baseUrl: "http://b.test/v1" }
  - name: sick
    kind: openai-compatible
    baseUrl: "http://sick.test/v1"
    health: { consecutiveFailures: 1, cooldown: 30s, maxCooldown: 1m }
models:
  - name: two
    targets: [{ provider: a, model: m1 }]
    fallbacks: [{ provider: b, model: m2 }]
  - name: deadline
    targets: [{ provider: a, model: d1 }]
    fallbacks: [{ provider: b, model: d2 }]
    retry: { attempts: 3, backoff: { base: 400ms, max: 400ms } }
    deadline: 1s
  - name: ejected-first
    targets: [{ provider: sick, model: s1 }]
    fallbacks: [{ provider: b, model: s2 }]
consumers:
  - { name: c, keys: [{ sha256: "${"0".repeat(64)}" }] }
`;

const fault = (cls: ProviderError["class"], status = 500): ProviderError => ({ class: cls, status, message: cls, code: null, retryAfterMs: null });

/** Records every request to prepare and send; refuses or throws on the targets the test names. */
class FakeDriver implements AttemptDriver<string> {
  readonly sent: AttemptSpec[] = [];
  readonly ends: LoopEnd[] = [];
  refuse = new Set<string>();
  throwOn = new Set<string>();
  async = false;
  prepare(target: LinkedTarget): string | Promise<string> | ProviderError {
    if (this.throwOn.has(target.model)) throw new Error("adapter bug");
    if (this.refuse.has(target.model)) return fault("bad_request", 400);
    return this.async ? Promise.resolve(target.model) : target.model;
  }
  send(_: string, spec: AttemptSpec): void {
    this.sent.push(spec);
  }
  racing(): boolean {
    return false;
  }
  takeOver(): boolean {
    return false;
  }
  conclude(end: LoopEnd): void {
    this.ends.push(end);
  }
  models(): string[] {
    return this.sent.map((s) => s.target.model);
  }
}

let plan: LinkedPlan;
let served: ServedPlan;

beforeEach(() => {
  setQuietLogs(true);
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  plan = linkPlan(compileYaml(POLICY), {});
  served = new ServedPlan(plan);
});

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await served.close();
});

function loop(name: string): { driver: FakeDriver; loop: AttemptLoop<string>; record: RequestRecord } {
  const model = plan.models.find((m) => m.name === name)!;
  const driver = new FakeDriver();
  const record = new RequestRecord(served, "r", "embeddings", []);
  return { driver, loop: new AttemptLoop(driver, model, model.weighted[0]!, plan.health, record), record };
}

describe("attempt loop", () => {
  it("walks the order after failures and concludes with the last failure", () => {
    const { driver, loop: l, record } = loop("two");
    l.start();
    l.failed(fault("server"));
    l.failed(fault("timeout", 0));
    expect(driver.models()).toEqual(["m1", "m2"]);
    expect(driver.ends).toEqual([{ kind: "error", error: fault("timeout", 0) }]);
    expect(record.attempts?.map((a) => a.outcome)).toEqual(["5xx", "timeout"]);
    expect(l.attempts).toBe(2);
  });

  it("skips a target that refuses, and answers the refusal when none was ever tried", () => {
    const { driver, loop: l } = loop("two");
    driver.refuse = new Set(["m1", "m2"]);
    l.start();
    expect(driver.sent).toHaveLength(0);
    expect(driver.ends).toEqual([{ kind: "error", error: fault("bad_request", 400) }]);
  });

  it("answers the real failure, not a later target's refusal", () => {
    const { driver, loop: l } = loop("two");
    driver.refuse = new Set(["m2"]);
    l.start();
    l.failed(fault("server"));
    expect(driver.ends).toEqual([{ kind: "error", error: fault("server") }]);
  });

  it("an adapter that throws is an internal error, logged and answered once", () => {
    const { driver, loop: l } = loop("two");
    driver.throwOn = new Set(["m1"]);
    l.start();
    expect(driver.ends.map((e) => e.kind)).toEqual(["internal"]);
  });

  it("waits for an asynchronous request (signing) before sending", async () => {
    const { driver, loop: l } = loop("two");
    driver.async = true;
    l.start();
    expect(driver.sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(driver.models()).toEqual(["m1"]);
  });

  it("caps each attempt's budget by what is left of the deadline, and moves on when a wait would pass it", async () => {
    const { driver, loop: l } = loop("deadline");
    l.start();
    expect(driver.sent[0]!.budgetMs).toBe(1000);
    l.failed({ ...fault("server"), retryAfterMs: 400 });
    await vi.advanceTimersByTimeAsync(400);
    expect(driver.models()).toEqual(["d1", "d1"]);
    expect(driver.sent[1]!.budgetMs).toBe(600);
    // Waiting 700 ms would pass the 1 s deadline: the loop moves to the fallback at once.
    l.failed({ ...fault("server"), retryAfterMs: 700 });
    expect(driver.models()).toEqual(["d1", "d1", "d2"]);
  });

  it("starts at the next healthy candidate when the routed target's endpoint is ejected", () => {
    const first = loop("ejected-first");
    first.loop.start();
    first.loop.failed(fault("server"));
    const second = loop("ejected-first");
    second.loop.start();
    expect(second.driver.models()).toEqual(["s2"]);
  });

  it("starts nothing after it is closed (the client left)", async () => {
    // Full jitter can draw a zero backoff, which retries at once, before close(): a fixed draw waits 200 ms.
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const { driver, loop: l } = loop("deadline");
    l.start();
    l.failed(fault("server"));
    l.close();
    await vi.advanceTimersByTimeAsync(1000);
    expect(driver.models()).toEqual(["d1"]);
    expect(driver.ends).toEqual([]);
  });
});
