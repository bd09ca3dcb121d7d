/**
 * The alert engine on a real statistics window and a real webhook server: the spend
 * rule fires from spend (usage × price) per hour, the cool-down holds repeats back
 * and lets one through once it has passed, and recovery sends one "resolved".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanAlerts } from "../../../schemas/plan/operations.js";
import { setQuietLogs } from "../../base/log.js";
import { emptyDelta } from "../stats/stats-delta.js";
import { StatsWindow } from "../stats/stats-window.js";
import { startRecorder, type Recorder } from "../../../test/support/webhook-server.js";
import { AlertEngine, type AlertEvent } from "./alert-engine.js";

describe("alert engine", () => {
  let hook: Recorder<AlertEvent>;
  beforeAll(async () => {
    setQuietLogs(true);
    hook = await startRecorder<AlertEvent>();
  });
  afterAll(() => hook.close());

  it("fires the spend-rate rule, repeats only after the cool-down, and resolves once", async () => {
    let now = 10_000_000;
    const window = new StatsWindow(120_000, () => now);
    const plan: PlanAlerts = {
      webhook: "env:HOOK",
      intervalMs: 1000,
      cooldownMs: 30_000,
      rules: [{ name: "burn", kind: "spend-rate-above", threshold: 100, windowMs: 60_000, minRequests: 0 }],
    };
    const engine = new AlertEngine(plan, window, { HOOK: hook.url });
    engine.planHash = () => "sha256:test";
    now += 60_000;
    const spend = emptyDelta();
    spend.requests = 1;
    spend.spendUsd = 5; // $5 in one minute = $300/h
    window.add(spend);
    await engine.evaluate(now);
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]).toMatchObject({ status: "firing", rule: "burn", condition: "spend-rate-above", threshold: 100, plan: "sha256:test" });
    expect(hook.received[0]!.value).toBeCloseTo(300);
    now += 10_000;
    await engine.evaluate(now);
    expect(hook.received).toHaveLength(1);
    now += 25_000;
    window.add(spend);
    await engine.evaluate(now);
    expect(hook.received.map((e) => e.status)).toEqual(["firing", "firing"]);
    now += 120_000;
    await engine.evaluate(now);
    expect(hook.received.map((e) => e.status)).toEqual(["firing", "firing", "resolved"]);
    const view = engine.view() as { rules: { state: string }[]; recent: AlertEvent[] };
    expect(view.rules[0]!.state).toBe("ok");
    expect(view.recent.map((e) => e.status)).toEqual(["resolved", "firing", "firing"]);
  });

  it("evaluates but does not send when the webhook secret is unset, saying so", () => {
    const engine = new AlertEngine({ webhook: "env:UNSET_HOOK", intervalMs: 1000, cooldownMs: 0, rules: [] as never }, new StatsWindow(1000), {});
    expect((engine.view() as { webhook: { problem: string } }).webhook.problem).toMatch(/UNSET_HOOK is not set/);
  });
});
