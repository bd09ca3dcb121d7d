/**
 * The built-in dashboard in headless Chromium (Debian's `chromium` with playwright-core),
 * against both listeners: the page loads from the admin listener, takes the token from
 * the URL fragment, and draws its charts and tables from real gateway traffic (requests
 * per second, latency, traffic share per target, usage per consumer and model, the
 * concurrency section); features this build does not have show "not configured". A
 * screenshot is saved under test-artifacts/ and its path printed.
 *
 * No skip: without Chromium the test fails and says how to install it (.ci/run does).
 */
import { existsSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { chromium, type Browser } from "playwright-core";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { REPO_ROOT } from "../support/repo-paths.js";
import { LISTENERS } from "../support/listeners.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const KEY_A = "sk-tg-dash-a";
const KEY_B = "sk-tg-dash-b";
const ADMIN = "admin-dashboard-token";

function policy(mockPort: number): string {
  return `apiVersion: tollgate/v1
listener:
  admin: { port: 0, token: env:TG_DASH_ADMIN }
providers:
  - name: primary
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${mockPort}/v1
    concurrency: { max: 32 }
  - name: secondary
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${mockPort}/v1
  - name: fragile
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${mockPort}/v1
    health: { consecutiveFailures: 2, cooldown: 1m, maxCooldown: 2m }
models:
  - name: chat
    targets: [{ provider: primary, model: "echo+latency=40", weight: 3 }, { provider: secondary, model: "echo+latency=120", weight: 1 }]
  - name: stream
    targets: [{ provider: primary, model: "echo+ttft=60+tokens=10" }]
  - name: broken
    targets: [{ provider: fragile, model: "echo+status=500" }]
quotas:
  - { name: team-requests, unit: requests, limit: 10000, per: day, scope: team }
consumers:
  - name: team-a
    team: team-a
    keys: [{ sha256: ${sha256Hex(KEY_A)} }]
  - name: team-b
    team: team-b
    keys: [{ sha256: ${sha256Hex(KEY_B)} }]
`;
}

describe.each(LISTENERS)("dashboard in Chromium (%s listener)", (server) => {
  let mock: MockUpstream;
  let gw: Gateway;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}: install Debian's chromium package (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`);
    }
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0 });
    gw = await startGateway({ plan: compileYaml(policy(mock.port)), port: 0, server, env: { TG_DASH_ADMIN: ADMIN } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await mock?.close();
  });

  const chat = (key: string, model: string, stream = false) =>
    request(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model, stream, messages: [{ role: "user", content: "hello dashboard" }] }),
    }).then((r) => r.body.text());

  it("asks for the token when none is given, and goes back to it when the token is wrong", async () => {
    const page = await browser.newPage();
    await page.goto(`${gw.adminUrl}/admin/dashboard`);
    await page.waitForSelector("#login:not([hidden])");
    await page.fill("#token-input", "wrong-token");
    await page.click("#login-form button");
    await page.waitForSelector("#login:not([hidden])");
    expect(await page.isHidden("#app")).toBe(true);
    await page.close();
  });

  it("renders live charts and tables from real traffic, and saves a screenshot", async () => {
    // Three seconds of mixed traffic, so the per-second charts have several points.
    for (let second = 0; second < 3; second++) {
      await Promise.all([
        ...Array.from({ length: 8 }, (_, i) => chat(i % 2 === 0 ? KEY_A : KEY_B, "chat")),
        ...Array.from({ length: 3 }, () => chat(KEY_A, "stream", true)),
        chat(KEY_B, "broken"),
      ]);
      await sleep(1000);
    }
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${gw.adminUrl}/admin/dashboard#token=${ADMIN}`);
    // Page-side code is written as strings: the test program has no DOM types.
    await page.waitForFunction(`document.getElementById("plan-hash")?.textContent === ${JSON.stringify(gw.store.current.hash)}`);
    // The token left the address bar at once.
    expect(page.url()).not.toContain(ADMIN);
    await page.waitForFunction(`Number(document.getElementById("chart-rps")?.dataset.points ?? 0) > 0`);
    await page.waitForFunction(`Number(document.getElementById("chart-latency")?.dataset.points ?? 0) > 0`);
    const drawn = await page.evaluate<number>(`(() => {
      const canvas = document.getElementById("chart-rps");
      const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted;
    })()`);
    expect(drawn).toBeGreaterThan(500);
    expect(Number(await page.textContent("#rps"))).toBeGreaterThan(0);
    expect(await page.textContent("#p95")).toMatch(/\d+ (ms|s)/);
    expect(await page.textContent("#ttft50")).toMatch(/\d+ (ms|s)/);
    const cells = (table: string) =>
      page.evaluate<(string | null)[][]>(`[...document.querySelectorAll("${table} tbody tr")].map((r) => [...r.querySelectorAll("td")].slice(0, 2).map((td) => td.textContent))`);
    const targets = await cells("#targets");
    expect(targets).toEqual(
      expect.arrayContaining([
        ["primary", "echo+latency=40"],
        ["secondary", "echo+latency=120"],
        ["fragile", "echo+status=500"],
      ]),
    );
    const usage = await cells("#usage");
    expect(usage).toEqual(
      expect.arrayContaining([
        ["team-a", "chat"],
        ["team-b", "chat"],
        ["team-a", "stream"],
        ["team-b", "broken"],
      ]),
    );
    // Quota counters per team, and the endpoint whose breaker opened after two failures.
    // The quota report is read asynchronously: the first poll shows "reading counters…".
    for (let i = 0; i < 50 && !((await page.textContent("#quotas")) ?? "").includes("team-requests"); i++) await sleep(200);
    expect(await page.textContent("#quotas")).toContain("team-requests");
    expect(await page.textContent("#quotas")).toContain("team-a");
    expect(await page.textContent("#ejected")).toContain("fragile");
    expect(await page.textContent("#ejected")).toContain("open");
    expect(await page.textContent("#alert-rules")).toContain("not configured");
    expect(await page.textContent("#concurrency")).toContain("primary");
    expect(await page.textContent("#success")).toMatch(/^\d+\.\d%$/);
    expect(errors).toEqual([]);
    const dir = resolve(REPO_ROOT, "test-artifacts");
    mkdirSync(dir, { recursive: true });
    const file = resolve(dir, server === "uws" ? "dashboard.png" : `dashboard-${server}.png`);
    await page.screenshot({ path: file, fullPage: true });
    expect(existsSync(file)).toBe(true);
    console.log(`dashboard screenshot: ${file}`);
    await page.close();
  });
});
