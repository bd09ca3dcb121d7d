/**
 * The audit line is written as text field by field (auditText) for speed; it must be the
 * very text JSON.stringify makes of the line's object (built here, field by field of
 * AuditLine, as the writer built it before), which the verifier, the docs and every reader
 * of the log rely on. Compared here over records that exercise
 * each field's forms: nulls, escapes, non-ASCII, attempts, usage, guardrails, tags.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../base/request-record.js";
import { auditText, type AuditLine } from "./audit-log.js";

const target = (provider: string, model: string) => ({ upstream: { name: provider }, model });

function record(overrides: Record<string, unknown>): RequestRecord {
  const base = {
    time: Date.UTC(2026, 11, 7, 14, 30, 0, 123),
    requestId: "0c6f7a8e-1b2c-4d5e-8f90-123456789abc",
    endpoint: "chat",
    consumer: null,
    route: null,
    requestedModel: null,
    model: null,
    attempts: null,
    lastAttempt: null,
    status: 200,
    stream: false,
    durationMs: 12.3456,
    firstByteMs: -1,
    served: { linked: { hash: "sha256:abc" } },
    body: null,
    usage: null,
    outputChars: 0,
    guardrails: null,
    cache: null,
    keyName: null,
    tags: {},
    cut: null,
  };
  return { ...base, ...overrides } as unknown as RequestRecord;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** The line's object, as the writer built it before it wrote text. */
function auditLine(r: RequestRecord, content: "none" | "hash"): AuditLine {
  const last = r.lastAttempt;
  return {
    time: new Date(r.time).toISOString(),
    requestId: r.requestId,
    endpoint: r.endpoint,
    consumer: r.consumer,
    route: r.route?.name ?? null,
    requestedModel: r.requestedModel === null ? null : r.requestedModel.slice(0, 200),
    model: r.model?.name ?? null,
    target: last === null ? null : { provider: last.target.upstream.name, model: last.target.model },
    attempts: (r.attempts ?? []).map((a) => ({ provider: a.target.upstream.name, model: a.target.model, outcome: a.outcome, ms: round(a.ms) })),
    status: r.status,
    stream: r.stream,
    latencyMs: round(r.durationMs),
    ttfbMs: r.firstByteMs < 0 ? null : round(r.firstByteMs),
    plan: r.served.linked.hash,
    content: content === "hash" && r.body !== null ? `sha256:${createHash("sha256").update(r.body).digest("hex")}` : null,
    usage: r.usage,
    outputChars: r.outputChars,
    guardrails: r.guardrails === null ? null : r.guardrails.toJSON(),
    cache: r.cache,
    key: r.keyName,
    tags: r.tags,
    ended: r.status === 499 ? "client_abandoned" : (r.cut ?? "complete"),
  };
}

const reference = (r: RequestRecord, content: "none" | "hash", chain: string, prev: string | null): string =>
  JSON.stringify({ type: "audit", ...auditLine(r, content), chain, prev });

describe("audit line text", () => {
  const attempts = [
    { target: target("openai", "gpt-4o"), outcome: "upstream_5xx", ms: 101.04999 },
    { target: target('azure "eu"', "gpt-4o\u2028mini"), outcome: "ok", ms: 0 },
  ];
  const cases: [string, RequestRecord][] = [
    ["all nulls", record({})],
    [
      "a served stream with everything",
      record({
        consumer: "team-a\\b",
        route: { name: "chat/default" },
        requestedModel: "x".repeat(300),
        model: { name: "gpt-4o" },
        attempts,
        lastAttempt: attempts[1],
        stream: true,
        status: 200,
        firstByteMs: 3.14159,
        body: Buffer.from('{"model":"gpt-4o"}'),
        usage: { inputTokens: 278, outputTokens: 20, cachedInputTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0, source: "upstream" },
        outputChars: 113,
        guardrails: { toJSON: () => ({ input: [{ check: "pii.email", action: "redact", rule: "g", count: 2 }], injection: { score: 0.65, patterns: ["ignore-instructions"] } }) },
        cache: "miss",
        keyName: "sha256:0123456789ab",
        tags: { team: 'q"uote', "cost-center": "☃" },
      }),
    ],
    ["a client that left", record({ status: 499, durationMs: Number.NaN, outputChars: 7 })],
    ["a cut stream", record({ status: 200, cut: "upstream_cut", requestedModel: "mødel\u0000\u001f" })],
  ];
  for (const [name, r] of cases) {
    it(`${name}: the same text as JSON.stringify of the line's object`, () => {
      for (const content of ["none", "hash"] as const) {
        for (const prev of [null, "f".repeat(64)]) {
          const text = auditText(r, content, "chain-1", prev);
          expect(text).toBe(reference(r, content, "chain-1", prev));
          expect(() => JSON.parse(text)).not.toThrow();
        }
      }
    });
  }
});
