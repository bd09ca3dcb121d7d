/** Behavioural diffs: keyed by name, total over the plan, security-relevant changes flagged. */
import { describe, expect, it } from "vitest";
import { compileYaml } from "../../../test/support/compile.js";
import { diffPlans } from "./plan-diff.js";
import { renderDiffMarkdown, renderDiffText } from "./render-diff.js";

const base = `apiVersion: tollgate/v1
providers:
  - { name: vllm, kind: openai-compatible, baseUrl: "http://10.0.0.7:8000/v1", network: private }
  - { name: openai, kind: openai-compatible, baseUrl: "https://api.openai.com/v1", timeouts: { firstByte: 30s } }
models:
  - name: chat
    targets: [{ provider: vllm, weight: 3 }, { provider: openai, model: gpt-4o-mini, weight: 1 }]
  - name: gpt-4o
    targets: [{ provider: openai }]
routes:
  - { name: minis, match: { model: "gpt-*-mini" }, model: chat }
consumers:
  - { name: a, keys: [{ sha256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 }], models: [chat] }
`;
const before = compileYaml(base);
const report = (diff: ReturnType<typeof diffPlans>) => ({ labels: { before: "old", after: "new" }, diff, failures: { before: null, after: null } });

describe("diffPlans", () => {
  it("finds no change between a plan and itself", () => {
    expect(diffPlans(before, compileYaml(base)).count).toBe(0);
  });

  it("reports traffic shares per target, access and upstream settings", () => {
    const after = compileYaml(base.replace("weight: 3", "weight: 1").replace("firstByte: 30s", "firstByte: 10s").replace("models: [chat]", "models: [gpt-4o]"));
    const diff = diffPlans(before, after);
    const chat = diff.changes.find((c) => c.kind === "model" && c.name === "chat");
    expect(chat?.fields.map((f) => f.field)).toEqual(["shares"]);
    expect(diff.changes.find((c) => c.kind === "consumer")?.fields).toEqual([{ field: "models", before: ["chat"], after: ["gpt-4o"] }]);
    expect(diff.changes.find((c) => c.kind === "upstream")?.fields).toEqual([{ field: "timeouts.firstByteMs", before: 30000, after: 10000 }]);
    expect(diff.security).toEqual([{ kind: "access-widened", subject: "consumer `a`", detail: "may now use gpt-4o (was chat)" }]);
    const text = renderDiffText(report(diff));
    expect(text).toContain("`chat` on `vllm`           75% → 50%");
    expect(text).toContain("timeouts.firstByte 30s → 10s");
    expect(renderDiffMarkdown(report(diff))).toContain("| `chat` | `chat` on `vllm` | 75% | 50% |");
  });

  it("reports routes retargeted, names that now reach another model, and attempt order", () => {
    const after = compileYaml(
      base
        .replace(
          '{ name: minis, match: { model: "gpt-*-mini" }, model: chat }',
          '{ name: minis, match: { model: "gpt-*-mini" }, model: gpt-4o }\n  - { name: chat-alias, match: { model: chat }, model: gpt-4o }',
        )
        .replace("weight: 3 }, { provider: openai, model: gpt-4o-mini, weight: 1 }", "weight: 1 }, { provider: openai, model: gpt-4o-mini, weight: 3 }"),
    );
    const diff = diffPlans(before, after);
    expect(diff.changes.find((c) => c.kind === "route" && c.name === "minis")?.fields).toEqual([{ field: "model", before: "chat", after: "gpt-4o" }]);
    expect(diff.changes.find((c) => c.kind === "route" && c.name === "chat-alias")?.change).toBe("added");
    expect(diff.names).toEqual([{ name: "chat", before: "chat", after: "gpt-4o" }]);
    const attempts = diff.changes.find((c) => c.kind === "model" && c.name === "chat")?.fields.find((f) => f.field === "attempts");
    expect(attempts).toEqual({
      field: "attempts",
      before: [
        { target: { provider: "vllm", model: "chat" }, on: null },
        { target: { provider: "openai", model: "gpt-4o-mini" }, on: null },
      ],
      after: [
        { target: { provider: "openai", model: "gpt-4o-mini" }, on: null },
        { target: { provider: "vllm", model: "chat" }, on: null },
      ],
    });
  });

  it("reports quotas added, removed and changed by name, and flags the loosened ones", () => {
    const withQuotas = (quotas: string) => compileYaml(`${base}quotas:\n${quotas}`);
    const a = withQuotas(`  - { name: team-day, limit: 1000000, per: day, scope: consumer }
  - { name: old, unit: requests, limit: 10, per: minute }`);
    const b = withQuotas(`  - { name: team-day, limit: 500000, per: day, scope: consumer, match: { consumers: [a] } }
  - { name: spend, unit: requests, limit: 5, per: second, action: { downgrade: chat } }`);
    const diff = diffPlans(a, b);
    const quotas = diff.changes.filter((c) => c.kind === "quota");
    expect(quotas.map((q) => [q.name, q.change])).toEqual([
      ["old", "removed"],
      ["spend", "added"],
      ["team-day", "changed"],
    ]);
    expect(quotas[2]?.fields.map((f) => [f.field, f.before, f.after])).toEqual([
      ["consumers", "all", ["a"]],
      ["limit", 1000000, 500000],
    ]);
    expect(diff.security.map((s) => [s.subject, s.detail])).toEqual([
      ["quota `old`", "removed"],
      ["quota `team-day`", "applies to consumers a (was all)"],
    ]);
  });
});
