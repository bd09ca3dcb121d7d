import { describe, expect, it } from "vitest";
import { isLoopback, hasCredentials, parseBaseUrl } from "./base-url.js";
import { MAX_TIMER_MS, parseDuration } from "./duration.js";
import { parseSize } from "./size.js";

describe("parseDuration", () => {
  it("converts units to whole milliseconds exactly", () => {
    expect(parseDuration("500ms")).toEqual({ ok: true, value: 500 });
    expect(parseDuration("30s")).toEqual({ ok: true, value: 30_000 });
    expect(parseDuration("5m")).toEqual({ ok: true, value: 300_000 });
    expect(parseDuration("1h")).toEqual({ ok: true, value: 3_600_000 });
    expect(parseDuration("1.1s")).toEqual({ ok: true, value: 1100 });
    expect(parseDuration("0.25m")).toEqual({ ok: true, value: 15_000 });
    expect(parseDuration(2500)).toEqual({ ok: true, value: 2500 });
  });
  it("refuses zero, fractions of a millisecond and timer overflow", () => {
    expect(parseDuration("0s").ok).toBe(false);
    expect(parseDuration("1.5ms").ok).toBe(false);
    expect(parseDuration(0).ok).toBe(false);
    expect(parseDuration(1.5).ok).toBe(false);
    expect(parseDuration(MAX_TIMER_MS)).toEqual({ ok: true, value: MAX_TIMER_MS });
    expect(parseDuration("600h").ok).toBe(false);
  });
  it("suggests the unit for common spellings", () => {
    expect(parseDuration("30sec")).toMatchObject({ ok: false, suggestion: "did you mean `30s`?" });
    expect(parseDuration("5 minutes")).toMatchObject({ ok: false, suggestion: "did you mean `5m`?" });
    expect(parseDuration("10S")).toMatchObject({ ok: false, suggestion: "did you mean `10s`?" });
    expect(parseDuration("soon")).toEqual({ ok: false, reason: "`soon` is not a number followed by `ms`, `s`, `m` or `h`" });
  });
});

describe("parseSize", () => {
  it("uses 1024 for KiB/MiB/GiB and 1000 for KB/MB/GB", () => {
    expect(parseSize("4MiB")).toEqual({ ok: true, value: 4 * 1024 * 1024 });
    expect(parseSize("512KiB")).toEqual({ ok: true, value: 524_288 });
    expect(parseSize("1GiB")).toEqual({ ok: true, value: 1_073_741_824 });
    expect(parseSize("10MB")).toEqual({ ok: true, value: 10_000_000 });
    expect(parseSize("2KB")).toEqual({ ok: true, value: 2000 });
    expect(parseSize("1GB")).toEqual({ ok: true, value: 1e9 });
    expect(parseSize("100B")).toEqual({ ok: true, value: 100 });
    expect(parseSize(4096)).toEqual({ ok: true, value: 4096 });
  });
  it("refuses zero and suggests both readings of a lower-case unit", () => {
    expect(parseSize("0B").ok).toBe(false);
    expect(parseSize("4mb")).toMatchObject({ ok: false, suggestion: "did you mean `4MB` (powers of 1000) or `4MiB` (powers of 1024)?" });
  });
});

describe("parseBaseUrl", () => {
  it("splits origin and base path", () => {
    expect(parseBaseUrl("https://api.openai.com/v1")).toEqual({
      ok: true,
      value: { origin: "https://api.openai.com", basePath: "/v1", protocol: "https:", hostname: "api.openai.com" },
    });
    expect(parseBaseUrl("http://127.0.0.1:9099/")).toMatchObject({ ok: true, value: { origin: "http://127.0.0.1:9099", basePath: "" } });
    expect(parseBaseUrl("https://HOST.example:443/openai/v1//")).toMatchObject({
      ok: true,
      value: { origin: "https://host.example", basePath: "/openai/v1" },
    });
  });
  it("refuses other schemes, queries, fragments, credentials and relative URLs", () => {
    expect(parseBaseUrl("ftp://x/v1").ok).toBe(false);
    expect(parseBaseUrl("https://x/v1?a=1").ok).toBe(false);
    expect(parseBaseUrl("https://x/v1#f").ok).toBe(false);
    expect(parseBaseUrl("api.openai.com/v1").ok).toBe(false);
    expect(parseBaseUrl("https://u:p@x/v1").ok).toBe(false);
    expect(hasCredentials("https://u:p@x/v1")).toBe(true);
    expect(hasCredentials("https://x/v1")).toBe(false);
  });
  it("knows loopback hosts", () => {
    expect(isLoopback("localhost")).toBe(true);
    expect(isLoopback("127.0.0.1")).toBe(true);
    expect(isLoopback("[::1]")).toBe(true);
    expect(isLoopback("10.0.0.1")).toBe(false);
    expect(isLoopback("api.openai.com")).toBe(false);
  });
});
