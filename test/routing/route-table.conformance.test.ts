/**
 * The compiled route table (exact/guarded maps, globs, header conditions) and the
 * runtime's `matchRoute` agree with the policy's plain meaning, "the first route, in
 * order, whose model pattern and header conditions all match", on every request of a
 * generated set. The reference below reads the policy YAML directly, sharing no code
 * with the compiler's table building or the runtime's lookup.
 */
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { linkPlan } from "../../runtime/plan/link-plan.js";
import type { LinkedPlan } from "../../runtime/plan/linked-plan.js";
import { matchRoute } from "../../runtime/routing/match-route.js";
import { compileYaml } from "../support/compile.js";

const POLICY = `apiVersion: tollgate/v1
providers: [{ name: p, kind: openai-compatible, baseUrl: "https://p.example.com/v1" }]
models:
  - { name: chat, targets: [{ provider: p }] }
  - { name: gpt-4o, targets: [{ provider: p }] }
  - { name: research, targets: [{ provider: p }] }
  - { name: labs, targets: [{ provider: p }] }
routes:
  - { name: r-team, match: { model: chat, headers: { x-team: { exact: research } } }, model: research }
  - { name: r-lab, match: { model: "ch*", headers: { x-team: { regex: "^lab-[0-9]$" }, x-debug: { present: false } } }, model: labs }
  - { name: r-beta, match: { headers: { x-beta: { present: true } } }, model: labs }
  - { name: r-gpt-team, match: { model: "gpt-*", headers: { x-team: { present: true } } }, model: research }
  - { name: r-gpt, match: { model: "gpt-4*" }, model: chat }
  - { name: r-exact, match: { model: labs-beta, headers: { x-team: { exact: lab-1 } } }, model: labs }
  - { name: r-o, match: { model: "o?" }, model: gpt-4o }
consumers: [{ name: c, keys: [{ sha256: ${"a".repeat(64)} }] }]
`;

interface PolicyRoute {
  name: string;
  match: { model?: string; headers?: Record<string, { exact?: string; regex?: string; present?: boolean }> };
}

/** The policy's meaning, read literally: explicit routes, then each model's implicit exact route. */
function referenceRoute(policy: { routes: PolicyRoute[]; models: { name: string }[] }, name: string, headers: Record<string, string>): string | null {
  const routes: PolicyRoute[] = [...policy.routes, ...policy.models.map((m) => ({ name: `model:${m.name}`, match: { model: m.name } }))];
  for (const route of routes) {
    const pattern = route.match.model ?? "*";
    const globRegex = new RegExp(
      "^" +
        pattern
          .split("")
          .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
          .join("") +
        "$",
    );
    if (!globRegex.test(name)) continue;
    const ok = Object.entries(route.match.headers ?? {}).every(([header, m]) => {
      const value = headers[header.toLowerCase()];
      if (m.present === false && value !== undefined) return false;
      if ((m.present === true || m.exact !== undefined || m.regex !== undefined) && value === undefined) return false;
      if (m.exact !== undefined && value !== m.exact) return false;
      if (m.regex !== undefined && !new RegExp(m.regex, "u").test(value ?? "")) return false;
      return true;
    });
    if (ok) return route.name;
  }
  return null;
}

/** Every combination of a few names and header values. */
function requests(): { name: string; headers: Record<string, string> }[] {
  const names = ["chat", "chatty", "gpt-4o", "gpt-4o-mini", "gpt-3", "research", "labs", "labs-beta", "o1", "o12", "unknown"];
  const teams = [undefined, "research", "lab-1", "lab-x", "other"];
  const out: { name: string; headers: Record<string, string> }[] = [];
  for (const name of names) {
    for (const team of teams) {
      for (const debug of [false, true]) {
        for (const beta of [false, true]) {
          const headers: Record<string, string> = {};
          if (team !== undefined) headers["x-team"] = team;
          if (debug) headers["x-debug"] = "1";
          if (beta) headers["x-beta"] = "yes";
          out.push({ name, headers });
        }
      }
    }
  }
  return out;
}

/** The same policy without the headers-only catch-all, so most names resolve in one lookup. */
const WITHOUT_CATCH_ALL = POLICY.replace(/^ {2}- \{ name: r-beta.*\n/m, "");

describe.each([
  ["with a headers-only catch-all", POLICY, { exact: [], guarded: ["chat", "gpt-4o", "labs", "labs-beta", "research"] }],
  ["without it", WITHOUT_CATCH_ALL, { exact: ["labs", "research"], guarded: ["chat", "gpt-4o", "labs-beta"] }],
])("compiled route table conformance (%s)", (_label, text, maps) => {
  const plan = compileYaml(text);
  const linked: LinkedPlan = linkPlan(plan, {});
  afterAll(() => linked.close());
  const policy = parse(text) as { routes: PolicyRoute[]; models: { name: string }[] };

  it("puts only names that header routes may take first in the guarded map", () => {
    expect(Object.keys(plan.routing.exact).sort()).toEqual(maps.exact);
    expect(Object.keys(plan.routing.guarded ?? {}).sort()).toEqual(maps.guarded);
  });

  it("matches every generated request as the policy reads", () => {
    const mismatches = requests().flatMap(({ name, headers }) => {
      const expected = referenceRoute(policy, name, headers);
      const actual = matchRoute(linked, name, headers)?.name ?? null;
      return actual === expected ? [] : [{ name, headers, expected, actual }];
    });
    expect(mismatches).toEqual([]);
  });
});
