/**
 * Fleet-wide alerts: `tollgate compile --alert-rules` writes the policy's alert rules
 * as Prometheus alerting rules (and, with `--alert-rules-format kubernetes`, as a
 * PrometheusRule), checked by Debian's promtool (`prometheus` package), and unit-tested
 * with `promtool test rules`: the spend-rate rule fires once over two replicas'
 * series, and the projected-overrun rule fires when a team's projection passes its
 * budget.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/spawn-cli.js";
import { sha256Hex } from "../support/compile.js";

const tmp = mkdtempSync(join(tmpdir(), "tollgate-rules-"));

const POLICY = `apiVersion: tollgate/v1
listener:
  alerts:
    webhook: http://127.0.0.1:9/hook
    rules:
      - { name: errors, successRate: { below: 0.95 }, window: 5m, minRequests: 20 }
      - { name: slow, p95Latency: { above: 2500ms } }
      - { name: burn, spendRate: { above: 20 }, window: 15m }
providers:
  - { name: mock, kind: openai-compatible, baseUrl: "http://127.0.0.1:9/v1" }
models:
  - name: m
    targets: [{ provider: mock, model: echo, price: { input: 1, output: 1 } }]
consumers:
  - { name: alice, team: team-a, keys: [{ sha256: ${sha256Hex("k")} }] }
stores:
  redis: { url: env:REDIS_URL }
quotas:
  - { name: team-budget, unit: usd, limit: 500, per: month, scope: team, consistency: shared }
`;

function promtool(args: string[]): { code: number | null; out: string } {
  const r = spawnSync("promtool", args, { encoding: "utf8" });
  if (r.error) throw new Error(`cannot run promtool (install Debian's prometheus package): ${r.error.message}`);
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("tollgate compile --alert-rules", () => {
  it("writes rules promtool accepts, as a rule file and as a PrometheusRule, that fire once per fleet", async () => {
    writeFileSync(join(tmp, "policy.yaml"), POLICY);
    const rules = join(tmp, "rules.yaml");
    const made = await runCli(["compile", join(tmp, "policy.yaml"), "-o", join(tmp, "plan.json"), "--alert-rules", rules]);
    expect(made.code).toBe(0);
    const checked = promtool(["check", "rules", rules]);
    expect(checked.out).toContain("SUCCESS: 4 rules found");
    expect(checked.code).toBe(0);

    const k8s = join(tmp, "prometheus-rule.yaml");
    expect((await runCli(["compile", join(tmp, "policy.yaml"), "-o", join(tmp, "plan2.json"), "--alert-rules", k8s, "--alert-rules-format", "kubernetes"])).code).toBe(0);
    const manifest = parse(readFileSync(k8s, "utf8")) as { kind: string; spec: { groups: unknown[] } };
    expect(manifest.kind).toBe("PrometheusRule");
    const groups = join(tmp, "from-k8s.yaml");
    writeFileSync(groups, stringify({ groups: manifest.spec.groups }));
    expect(promtool(["check", "rules", groups]).code).toBe(0);

    // Two replicas each spend $15/hour: the fleet spends $30/hour > $20, and the alert fires once (not once per pod).
    // A team projected at $600 against a $500 budget, reported the same by both replicas: one alert.
    const test = join(tmp, "rules.test.yaml");
    writeFileSync(
      test,
      stringify({
        rule_files: [rules],
        evaluation_interval: "1m",
        tests: [
          {
            interval: "1m",
            input_series: [
              { series: 'tollgate_cost_usd_total{instance="pod-1",gen_ai_request_model="m"}', values: "0+0.25x30" },
              { series: 'tollgate_cost_usd_total{instance="pod-2",gen_ai_request_model="m"}', values: "0+0.25x30" },
              { series: 'tollgate_team_projected_spend_usd{instance="pod-1",team="team-a"}', values: "600x30" },
              { series: 'tollgate_team_projected_spend_usd{instance="pod-2",team="team-a"}', values: "600x30" },
              { series: 'tollgate_team_budget_usd{instance="pod-1",team="team-a"}', values: "500x30" },
              { series: 'tollgate_team_budget_usd{instance="pod-2",team="team-a"}', values: "500x30" },
            ],
            alert_rule_test: [
              {
                eval_time: "20m",
                alertname: "TollgateBurn",
                exp_alerts: [{ exp_labels: { severity: "warning", tollgate_rule: "burn" }, exp_annotations: { summary: "Tollgate spend above $20/hour over 15m (rule burn)" } }],
              },
              {
                eval_time: "20m",
                alertname: "TollgateProjectedBudgetOverrun",
                exp_alerts: [
                  {
                    exp_labels: { severity: "warning", team: "team-a" },
                    exp_annotations: { summary: "Team team-a is projected to spend more than its monthly budget by the end of the month" },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    const tested = promtool(["test", "rules", test]);
    expect(tested.out).toContain("SUCCESS");
    expect(tested.code).toBe(0);
  }, 60_000);
});
