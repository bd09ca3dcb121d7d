/**
 * `diff` is total over the plan: it reports "no change" only when the two plans make
 * the gateway behave the same.
 *
 * - Every field of the plan schema has a sample (some golden plan holds it), so the
 *   properties below reach it; a new plan field without one fails here.
 * - Renumbering a plan (entity arrays reordered, every index rewritten, order-free
 *   lists shuffled; test/support/renumber-plan.ts) changes its bytes but not its
 *   behaviour: the diff must report nothing.
 * - Changing any one value of the plan (any leaf but the version and hash stamps),
 *   then renumbering it, must be reported, both ways round.
 *
 * Pairs are generated from every golden plan; thousands per run.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../schemas/plan/canonical.js";
import { Plan } from "../../schemas/plan/plan.js";
import { diffPlans } from "../../compiler/commands/diff/plan-diff.js";
import { planView } from "../../compiler/commands/diff/plan-view.js";
import { seededRandom } from "../../compiler/commands/simulate/seeded-random.js";
import { renumberPlan } from "../support/renumber-plan.js";
import { samplePlans, schemaPaths, valuePaths } from "../support/plan-samples.js";

/** Pairs per property (PLAN_DIFF_RUNS=50000 for a deeper run). */
const RUNS = Number(process.env.PLAN_DIFF_RUNS ?? 2000);

/** Fields that are not behaviour: stamps of the compiler and of the file. */
const STAMPS = new Set(["planVersion", "compilerVersion", "hash"]);

/**
 * Schema fields no policy can produce, so no golden plan holds them: output scans never
 * carry injection heuristics (the policy language has them on input only). The view
 * flattens scans generically, so they would be compared all the same.
 */
const NOT_PRODUCED = new Set(["guardrails.chains[].output.injection.threshold", "guardrails.chains[].output.injection.action", "guardrails.chains[].output.injection.rule"]);

const samples = samplePlans();

type Path = (string | number)[];

/** Every primitive leaf of a plan value, with its path. */
function leaves(value: unknown, path: Path = []): { path: Path; value: string | number | boolean }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, [...path, i]));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? [{ path, value }] : [];
}

function setAt(root: unknown, path: Path, value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
}

/** `models[].reliability.retries`: the schema path of a value path. */
const schemaPath = (path: Path): string => path.reduce<string>((out, seg) => (typeof seg === "number" ? `${out}[]` : out === "" ? seg : `${out}.${seg}`), "");

/** Values seen at each schema path across the samples (for enums: another valid value). */
const seenValues = new Map<string, Set<string | number | boolean>>();
for (const { plan } of samples) {
  for (const leaf of leaves(plan)) {
    const key = schemaPath(leaf.path);
    (seenValues.get(key) ?? seenValues.set(key, new Set()).get(key)!).add(leaf.value);
  }
}

/** A different value for a leaf that keeps the plan valid, or undefined. */
function mutated(plan: Plan, path: Path, value: string | number | boolean): Plan | undefined {
  const candidates: unknown[] =
    typeof value === "boolean"
      ? [!value]
      : typeof value === "number"
        ? Number.isInteger(value)
          ? [value + 1, value - 1, value * 2]
          : [value / 2, value * 1.5, 0.5]
        : [...(seenValues.get(schemaPath(path)) ?? [])].filter((v) => v !== value).concat([`${value}x`, `${value.slice(0, -1)}${value.endsWith("0") ? "1" : "0"}`]);
  for (const candidate of candidates) {
    if (candidate === value || typeof candidate !== typeof value) continue;
    const copy = structuredClone(plan);
    setAt(copy, path, candidate);
    if (Plan.safeParse(copy).success) return copy;
  }
  return undefined;
}

/**
 * The one kind of single-value change that keeps behaviour: weights scaled without
 * changing any share (the only weight of a model, say). Shares computed here directly.
 */
function sameShares(a: Plan, b: Plan, path: Path): boolean {
  if (schemaPath(path) !== "models[].cumulativeWeights[]") return false;
  const m = Number(path[1]);
  // Per target: a target listed twice gets both entries' share.
  const shares = (plan: Plan): number[] => {
    const { weighted, cumulativeWeights: cumulative } = plan.models[m]!;
    const total = cumulative[cumulative.length - 1]!;
    const out = new Array<number>(plan.targets.length).fill(0);
    cumulative.forEach((c, i) => (out[weighted[i]!]! += (c - (i === 0 ? 0 : cumulative[i - 1]!)) / total));
    return out;
  };
  const [x, y] = [shares(a), shares(b)];
  return x.every((share, i) => Math.abs(share - y[i]!) < 1e-9);
}

/** Per sample, every leaf that can take another valid value. */
const mutations = samples.map(({ plan }) => leaves(plan).filter((l) => !STAMPS.has(String(l.path[0]))));

describe("the plan diff is total", () => {
  it("has a sample of every field of the plan schema", () => {
    const seen = new Set<string>();
    for (const { plan } of samples) for (const p of valuePaths(plan)) seen.add(p);
    const missing = [...schemaPaths()].filter((p) => !seen.has(p) && !NOT_PRODUCED.has(p));
    expect(missing, "add a golden case (test/compiler/cases/) whose plan holds these fields").toEqual([]);
  });

  it("sees each sample's entities under distinct names (renumbering is then invisible)", () => {
    for (const { name, plan } of samples) {
      const keys = [...planView(plan).keys()];
      expect(
        keys.some((k) => /#\d+$/.test(k)),
        name,
      ).toBe(false);
    }
  });

  it(`reports no change for ${RUNS} renumbered plans`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: samples.length - 1 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (s, seed) => {
        const plan = samples[s]!.plan;
        const other = renumberPlan(plan, seededRandom(seed));
        const diff = diffPlans(plan, other);
        expect(diff.changes, samples[s]!.name).toEqual([]);
        expect(diff.security).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  }, 600_000);

  it(`reports a change for ${RUNS} plans with one value changed (and renumbered), both ways`, () => {
    let compared = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: samples.length - 1 }), fc.nat(), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (s, pick, seed) => {
        const { name, plan } = samples[s]!;
        const list = mutations[s]!;
        const leaf = list[pick % list.length]!;
        const changed = mutated(plan, leaf.path, leaf.value);
        if (changed === undefined) return;
        expect(canonicalJson(changed)).not.toBe(canonicalJson(plan));
        const other = renumberPlan(changed, seededRandom(seed));
        const where = `${name}: ${schemaPath(leaf.path)} ${JSON.stringify(leaf.value)}`;
        compared++;
        if (sameShares(plan, changed, leaf.path)) {
          expect(diffPlans(plan, other).count, where).toBe(0);
          return;
        }
        expect(diffPlans(plan, other).count, where).toBeGreaterThan(0);
        expect(diffPlans(other, plan).count, where).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
    // Nearly every leaf has a valid alternative: the pairs really were compared.
    expect(compared).toBeGreaterThan(RUNS * 0.9);
  }, 600_000);
});
