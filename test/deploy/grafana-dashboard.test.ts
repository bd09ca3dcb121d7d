/**
 * The shipped Grafana dashboard queries only metrics the gateway really exports: a
 * gateway with traffic (a success, a fallback, a stream) is scraped, and every
 * `tollgate_*` name in the dashboard's queries must be among the scraped families.
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
    const exported = new Set(parsePrometheusText(text).map((s) => familyOf(s.name)));
    const queried = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => [...t.expr.matchAll(/\btollgate_[a-z0-9_]+/g)].map((m) => familyOf(m[0])))));
    expect(queried.size).toBeGreaterThan(5);
    const missing = [...queried].filter((name) => !exported.has(name));
    expect(missing, `queried by the dashboard but not exported: ${missing.join(", ")}`).toEqual([]);
  });

  it("has unique panel ids and a stable uid", () => {
    expect(dashboard.uid).toBe("tollgate-gateway");
    const ids = dashboard.panels.map((p) => (p as unknown as { id: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
