/**
 * The shipped Grafana dashboard queries only metrics the gateway really exports: a
 * gateway with traffic (a success, a fallback, a stream) is scraped, and every metric
 * name in the dashboard's queries (`tollgate_*`, the GenAI `gen_ai_*` instruments, the
 * runtime's `nodejs_*` and `v8js_*`) must be a family the exposition declares (a family
 * such as quota refusals has no series until something is refused).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { KEY_ALL, PROVIDER_KEY, PROVIDER_KEY_ENV } from "../support/e2e-policy.js";
import { opsPlan } from "../support/ops-policy.js";
import { parsePrometheusText } from "../support/prometheus-text.js";
import { REPO_ROOT } from "../support/repo-paths.js";

interface Panel {
  title: string;
  targets: { expr: string }[];
}

const dashboard = JSON.parse(readFileSync(resolve(REPO_ROOT, "examples/grafana/tollgate-dashboard.json"), "utf8")) as { panels: Panel[]; uid: string };

/** A PromQL expression without its label matchers and `by (…)` lists, so only metric names are left to find. */
function metricPart(expr: string): string {
  return expr.replace(/\{[^}]*\}/g, "").replace(/\b(?:by|without)\s*\([^)]*\)/g, "");
}

/** A histogram's series names map back to its family name. */
function familyOf(name: string): string {
  return name.replace(/_(bucket|sum|count)$/, "");
}

describe("Grafana dashboard", () => {
  let mock: MockUpstream;
  let gw: Gateway;

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0, requireApiKey: PROVIDER_KEY });
    gw = await startGateway({ plan: opsPlan(mock.port, "  metrics: true\n"), port: 0, server: "node", env: { [PROVIDER_KEY_ENV]: PROVIDER_KEY } });
  });

  afterAll(async () => {
    await gw?.close();
    await mock?.close();
  });

  it("queries only metric families the gateway exports", async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY_ALL, maxRetries: 0 });
    await client.chat.completions.create({ model: "echo", messages: [{ role: "user", content: "hi" }] });
    await client.chat.completions.create({ model: "flaky", messages: [{ role: "user", content: "hi" }] });
    const stream = await client.chat.completions.create({ model: "echo", stream: true, messages: [{ role: "user", content: "hi" }] });
    for await (const _ of stream) void _;

    const text = await (await fetch(`${gw.url}/metrics`)).text();
    parsePrometheusText(text);
    const exported = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    const queried = new Set(
      dashboard.panels.flatMap((p) => p.targets.flatMap((t) => [...metricPart(t.expr).matchAll(/\b(?:tollgate|gen_ai|nodejs|v8js)_[a-z0-9_]+/g)].map((m) => familyOf(m[0])))),
    );
    expect(queried.size).toBeGreaterThan(20);
    for (const name of [
      "gen_ai_client_token_usage",
      "gen_ai_server_time_to_first_token_seconds",
      "gen_ai_server_time_per_output_token_seconds",
      "tollgate_cost_usd_total",
      "tollgate_quota_rejections_total",
      "tollgate_cache_lookups_total",
      "tollgate_upstream_health",
    ]) {
      expect(queried, `the dashboard shows ${name}`).toContain(name);
    }
    const missing = [...queried].filter((name) => !exported.has(name));
    expect(missing, `queried by the dashboard but not exported: ${missing.join(", ")}`).toEqual([]);
  });

  it("has unique panel ids and a stable uid", () => {
    expect(dashboard.uid).toBe("tollgate-gateway");
    const ids = dashboard.panels.map((p) => (p as unknown as { id: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
