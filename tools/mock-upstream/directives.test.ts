/** Behaviour selection: precedence, the allocation-free fast path, and validation. */
import { describe, expect, it } from "vitest";
import { DEFAULT_BEHAVIOUR } from "./behaviour.js";
import { chooseBehaviour } from "./directives.js";

describe("chooseBehaviour", () => {
  it("returns the defaults object itself when nothing is scripted", () => {
    const choice = chooseBehaviour(DEFAULT_BEHAVIOUR, {}, "gpt-4o");
    expect(choice).toEqual({ behaviour: DEFAULT_BEHAVIOUR, model: "gpt-4o" });
    expect(choice.error === undefined && choice.behaviour).toBe(DEFAULT_BEHAVIOUR);
  });

  it("parses every directive and strips them from the echoed model", () => {
    const choice = chooseBehaviour(DEFAULT_BEHAVIOUR, {}, "slow+latency=5+ttft=200+tps=0.5+tokens=100+retry=3+status=503");
    expect(choice).toEqual({
      model: "slow",
      behaviour: { latencyMs: 5, ttftMs: 200, tokensPerSecond: 0.5, tokens: 100, retryAfterSeconds: 3, status: 503 },
    });
    expect(chooseBehaviour(DEFAULT_BEHAVIOUR, {}, "echo+drop=3")).toMatchObject({ behaviour: { fail: "drop", dropAfter: 3 } });
    expect(chooseBehaviour(DEFAULT_BEHAVIOUR, {}, "echo+fail=reset")).toMatchObject({ behaviour: { fail: "reset" } });
  });

  it("reads x-mock-* headers, and the model name wins over them", () => {
    const choice = chooseBehaviour(DEFAULT_BEHAVIOUR, { "x-mock-tokens": "4", "x-mock-ttft-ms": "10" }, "echo+tokens=2");
    expect(choice).toMatchObject({ behaviour: { tokens: 2, ttftMs: 10 } });
  });

  it("rejects unknown keys, prototype names and bad values", () => {
    expect(chooseBehaviour(DEFAULT_BEHAVIOUR, {}, "echo+toString=1").error).toContain("unknown key");
    expect(chooseBehaviour(DEFAULT_BEHAVIOUR, {}, "echo+tokens").error).toContain("key=value");
    expect(chooseBehaviour(DEFAULT_BEHAVIOUR, {}, "echo+status=302").error).toContain("status");
    expect(chooseBehaviour(DEFAULT_BEHAVIOUR, {}, "echo+tokens=-1").error).toContain("tokens");
    expect(chooseBehaviour(DEFAULT_BEHAVIOUR, { "x-mock-fail": "explode" }, "echo").error).toContain("x-mock-fail");
  });
});
