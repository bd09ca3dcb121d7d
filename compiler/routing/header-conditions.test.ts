import { describe, expect, it } from "vitest";
import { contradiction, type HeaderCondition, headersImply } from "./header-conditions.js";

const c = (header: string, parts: Partial<Omit<HeaderCondition, "header">>): HeaderCondition => ({
  header,
  exact: parts.exact ?? null,
  regex: parts.regex ?? null,
  present: parts.present ?? null,
});

describe("headersImply (specific ⇒ general)", () => {
  it("holds when the general side has no conditions", () => {
    expect(headersImply([c("x-team", { exact: "a" })], [])).toBe(true);
    expect(headersImply([], [])).toBe(true);
  });
  it("lets exact and regex values imply presence", () => {
    expect(headersImply([c("x-team", { exact: "a" })], [c("x-team", { present: true })])).toBe(true);
    expect(headersImply([c("x-team", { regex: "^a" })], [c("x-team", { present: true })])).toBe(true);
    expect(headersImply([c("x-team", { present: true })], [c("x-team", { exact: "a" })])).toBe(false);
  });
  it("compares exact values and tests them against regexes", () => {
    expect(headersImply([c("x-team", { exact: "a" })], [c("x-team", { exact: "a" })])).toBe(true);
    expect(headersImply([c("x-team", { exact: "a" })], [c("x-team", { exact: "b" })])).toBe(false);
    expect(headersImply([c("x-team", { exact: "lab-1" })], [c("x-team", { regex: "^lab-[0-9]$" })])).toBe(true);
    expect(headersImply([c("x-team", { exact: "lab-x" })], [c("x-team", { regex: "^lab-[0-9]$" })])).toBe(false);
  });
  it("is sound, not complete, for two different regexes", () => {
    expect(headersImply([c("x-team", { regex: "^a$" })], [c("x-team", { regex: "^a$" })])).toBe(true);
    // ^a$ implies ^a, but proving it needs regex inclusion: answered false.
    expect(headersImply([c("x-team", { regex: "^a$" })], [c("x-team", { regex: "^a" })])).toBe(false);
  });
  it("needs absence to imply absence, and a condition on every general header", () => {
    expect(headersImply([c("x-debug", { present: false })], [c("x-debug", { present: false })])).toBe(true);
    expect(headersImply([], [c("x-debug", { present: false })])).toBe(false);
    expect(headersImply([c("x-team", { exact: "a" })], [c("x-region", { present: true })])).toBe(false);
  });
});

describe("contradiction", () => {
  it("finds conditions that can never hold", () => {
    expect(contradiction(c("x", { present: false, exact: "1" }))).toMatch(/absent/);
    expect(contradiction(c("x", { exact: "ops", regex: "^dev-" }))).toMatch(/does not match/);
    expect(contradiction(c("x", { exact: "dev-1", regex: "^dev-" }))).toBeNull();
    expect(contradiction(c("x", { present: true }))).toBeNull();
  });
});
