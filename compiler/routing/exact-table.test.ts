import { describe, expect, it } from "vitest";
import { defaultRoute, exactTable, type RoutePattern } from "./exact-table.js";

const exact = (pattern: string, conditional = false): RoutePattern => ({ pattern, glob: false, headers: conditional ? ["x-team"] : [] });
const glob = (pattern: string, conditional = false): RoutePattern => ({ pattern, glob: true, headers: conditional ? ["x-team"] : [] });

describe("exactTable", () => {
  it("gives each exact name its first matching route, earlier globs included", () => {
    const routes = [glob("gpt-*"), exact("gpt-4o"), exact("chat")];
    expect([...exactTable(routes)]).toEqual([
      ["gpt-4o", [0]],
      ["chat", [2]],
    ]);
  });
  it("lists routes with header conditions in order, up to the first unconditional one", () => {
    const routes = [exact("chat", true), glob("ch*", true), exact("chat"), glob("*")];
    expect(exactTable(routes).get("chat")).toEqual([0, 1, 2]);
    expect(defaultRoute([0, 1, 2], routes)).toBe(2);
  });
  it("ends a list without a default when only conditional routes match", () => {
    const routes = [exact("vip", true)];
    expect(exactTable(routes).get("vip")).toEqual([0]);
    expect(defaultRoute([0], routes)).toBeUndefined();
  });
});
