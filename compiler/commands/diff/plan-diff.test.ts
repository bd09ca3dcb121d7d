/** Behavioural diffs: what a reviewer needs to know, keyed by name, nothing else. */
import { describe, expect, it } from "vitest";
import { compileYaml } from "../../../test/support/compile.js";
import { countChanges, diffPlans } from "./plan-diff.js";
import { renderDiffMarkdown, renderDiffText } from "./render-diff.js";

const base = `apiVersion: tollgate/v1
providers:
  - { name: vllm, kind: openai-compatible, baseUrl: "http://10.0.0.7:8000/v1" }
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

describe("diffPlans", () => {
  it("finds no change between a plan and itself, nor after reordering documents", () => {
    expect(countChanges(diffPlans(before, compileYaml(base)))).toBe(0);
  });

  it("reports traffic shares per target, access and upstream settings", () => {
    const after = compileYaml(base.replace("weight: 3", "weight: 1").replace("firstByte: 30s", "firstByte: 10s").replace("models: [chat]", "models: [gpt-4o]"));
    const diff = diffPlans(before, after);
    expect(diff.models.changed).toEqual([
      {
        model: "chat",
        shares: [
          { target: "`chat` on `vllm`", before: 0.75, after: 0.5 },
          { target: "`gpt-4o-mini` on `openai`", before: 0.25, after: 0.5 },
        ],
        attempts: null,
      },
    ]);
    expect(diff.consumers.access).toEqual([{ consumer: "a", gained: ["gpt-4o"], lost: ["chat"] }]);
    expect(diff.upstreams.changed).toEqual([{ upstream: "openai", fields: [{ field: "timeouts.firstByteMs", before: "30000", after: "10000" }] }]);
    const text = renderDiffText(diff, { before: "old", after: "new" });
    expect(text).toContain("`chat` on `vllm`           75% → 50%");
    expect(text).toContain("timeouts.firstByte 30s → 10s");
    expect(renderDiffMarkdown(diff, { before: "old", after: "new" })).toContain("| `chat` | `chat` on `vllm` | 75% | 50% |");
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
    expect(diff.routes.retargeted).toEqual([{ route: "minis", before: "chat", after: "gpt-4o" }]);
    expect(diff.routes.added).toEqual([{ route: "chat-alias", model: "gpt-4o" }]);
    expect(diff.names).toEqual([{ name: "chat", before: "chat", after: "gpt-4o" }]);
    expect(diff.models.changed[0]?.attempts).toEqual({
      before: ["`chat` on `vllm`", "`gpt-4o-mini` on `openai`"],
      after: ["`gpt-4o-mini` on `openai`", "`chat` on `vllm`"],
    });
  });
});

describe("diffPlans: quotas and budgets", () => {
  const withQuotas = (quotas: string) => compileYaml(`${base}quotas:\n${quotas}`);

  it("reports quotas added, removed and changed, by name, in text and markdown", () => {
    const a = withQuotas(`  - { name: team-day, limit: 1000000, per: day, scope: consumer }
  - { name: old, unit: requests, limit: 10, per: minute }`);
    const b = withQuotas(`  - { name: team-day, limit: 500000, per: day, scope: consumer, match: { consumers: [a] } }
  - { name: spend, unit: requests, limit: 5, per: second, action: { downgrade: chat } }`);
    const diff = diffPlans(a, b);
    expect(diff.quotas.added).toEqual(["spend"]);
    expect(diff.quotas.removed).toEqual(["old"]);
    expect(diff.quotas.changed).toEqual([
      {
        quota: "team-day",
        fields: [
          { field: "limit", before: "1000000", after: "500000" },
          { field: "consumers", before: '"all"', after: '["a"]' },
        ],
      },
    ]);
    expect(countChanges(diff)).toBe(3);
    expect(renderDiffText(diff, { before: "a", after: "b" })).toMatch(
      /Quotas and budgets\n {2}\+ quota `spend`\n {2}- quota `old`\n {2}~ quota `team-day`: limit 1000000 → 500000; consumers "all" → \["a"\]/,
    );
    expect(renderDiffMarkdown(diff, { before: "a", after: "b" })).toMatch(/#### Quotas and budgets/);
    expect(
      countChanges(
        diffPlans(
          a,
          withQuotas(`  - { name: team-day, limit: 1000000, per: day, scope: consumer }
  - { name: old, unit: requests, limit: 10, per: minute }`),
        ),
      ),
    ).toBe(0);
  });
});
