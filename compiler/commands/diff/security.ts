/**
 * The changes a reviewer must not miss, found on the plan views: a guardrail removed
 * or weakened on a route (a check gone, a milder action, a higher injection threshold,
 * an allow pattern added, a looser limit, moderation off or failing open), access
 * widened (a new consumer or key, a consumer allowed more models, a route open to more
 * callers, the admin listener or metrics exposed), a quota loosened (removed, a higher
 * rate or burst, fewer requests matched, a wider scope, failing open, reserving less,
 * counting per replica), TLS verification changed, data sent somewhere new (a provider
 * added, an origin, moderation, embeddings, trace or alert endpoint changed),
 * credentials swapped, and the audit log reduced.
 */
import { GUARDRAIL_ACTIONS } from "../../../schemas/plan/constants.js";
import type { PlanQuota } from "../../../schemas/plan/quota.js";
import { windowLengthMs } from "../../decision/quota-admission.js";
import { type PlanView, type ViewEntity, entityId } from "./plan-view.js";
import type { EntityChange } from "./view-diff.js";

/** The classes of security-relevant change. */
export type SecurityKind = "guardrail-weakened" | "access-widened" | "quota-loosened" | "tls-changed" | "new-destination" | "credentials-changed" | "audit-reduced";

export interface SecurityFinding {
  readonly kind: SecurityKind;
  /** "route `support`", "quota `team-day`", "upstream `openai`". */
  readonly subject: string;
  readonly detail: string;
}

const show = (v: unknown): string =>
  v === undefined ? "(unset)" : v === null ? "none" : typeof v === "string" ? v : Array.isArray(v) && v.every((x) => typeof x === "string") ? v.join(", ") : JSON.stringify(v);

/** Every security-relevant change between two plans, given their views and the changes between them. */
export function securityFindings(before: PlanView, after: PlanView, changes: readonly EntityChange[]): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  const add = (kind: SecurityKind, subject: string, detail: string): void => void out.push({ kind, subject, detail });
  guardrails(before, after, add);
  for (const c of changes) {
    const subject = `${c.kind === "guardrail-chain" ? "guardrail chain" : c.kind} \`${c.name}\``;
    const field = (name: string): { before: unknown; after: unknown } | undefined => c.fields.find((f) => f.field === name);
    const changed = (test: (f: string) => boolean): { field: string; before: unknown; after: unknown }[] => c.fields.filter((f) => test(f.field));
    switch (c.kind) {
      case "consumer":
        if (c.change === "added") add("access-widened", subject, "a new consumer can call the gateway");
        else if (c.change === "changed") {
          const keys = field("keys");
          if (keys !== undefined && addedItems(keys.before, keys.after).length > 0)
            add("access-widened", subject, `${addedItems(keys.before, keys.after).length} API key(s) added`);
          const models = field("models");
          if (models !== undefined && widened(models.before, models.after)) add("access-widened", subject, `may now use ${show(models.after)} (was ${show(models.before)})`);
        }
        break;
      case "route": {
        const consumers = field("consumers");
        if (c.change === "changed" && consumers !== undefined && widened(consumers.before, consumers.after, "any")) {
          add("access-widened", subject, `open to consumers ${show(consumers.after)} (was ${show(consumers.before)})`);
        }
        break;
      }
      case "listener":
        for (const f of changed((x) => x.startsWith("admin"))) add("access-widened", "the admin listener", `\`${f.field}\` ${show(f.before)} → ${show(f.after)}`);
        for (const f of changed((x) => x === "metrics")) if (f.after === true) add("access-widened", "the client listener", "now serves GET /metrics");
        for (const f of changed((x) => x.startsWith("tls"))) add("tls-changed", "the client listener", `\`${f.field}\` ${show(f.before)} → ${show(f.after)}`);
        for (const f of changed((x) => x.startsWith("audit"))) add("audit-reduced", "the audit log", `\`${f.field}\` ${show(f.before)} → ${show(f.after)}`);
        for (const f of changed((x) => x === "traces.endpoint" || x === "alerts.webhook"))
          add("new-destination", "the listener", `\`${f.field}\` ${show(f.before)} → ${show(f.after)}`);
        break;
      case "upstream":
        if (c.change === "added") add("new-destination", subject, `requests may now be sent to ${show(c.fields.find((f) => f.field === "origin")?.after)}`);
        else if (c.change === "changed") {
          for (const f of changed((x) => x === "origin" || x === "basePath")) add("new-destination", subject, `\`${f.field}\` ${show(f.before)} → ${show(f.after)}`);
          const tls = changed((x) => x.startsWith("tls"));
          if (tls.length > 0)
            add(
              "tls-changed",
              subject,
              `certificate verification: ${tls.map((f) => `\`${f.field}\` ${show(f.before)} → ${show(f.after)}`).join(", ")}${tls.every((f) => f.after === undefined) ? " (the system CA store now)" : ""}`,
            );
          for (const f of changed((x) => x === "apiKeys" || /^options\.(accessKeyId|secretAccessKey|sessionToken|accessToken)$/.test(x))) {
            add("credentials-changed", subject, `\`${f.field}\` ${show(f.before)} → ${show(f.after)}`);
          }
        }
        break;
      case "stores":
        for (const f of changed((x) => x === "redis.url")) add("credentials-changed", "the quota store", `\`redis.url\` ${show(f.before)} → ${show(f.after)}`);
        break;
      case "quota":
        quota(c, add);
        break;
      default:
        break;
    }
    if (c.kind === "route" && c.change === "changed") {
      for (const f of changed((x) => x === "cache.semantic.upstream")) add("new-destination", subject, `prompts are embedded by ${show(f.after)} (was ${show(f.before)})`);
      for (const f of changed((x) => x === "cache.encryptionKey")) add("credentials-changed", subject, `cache encryption key ${show(f.before)} → ${show(f.after)}`);
    }
    if (c.kind === "guardrail-chain" && c.change === "changed") {
      for (const f of changed((x) => x === "moderation.upstream")) add("new-destination", subject, `prompts are sent for moderation to ${show(f.after)} (was ${show(f.before)})`);
    }
  }
  return out;
}

/** True when `after` allows more than `before` (sorted name lists, or `all`/`any`). */
function widened(before: unknown, after: unknown, everything = "all"): boolean {
  if (after === everything) return before !== everything;
  if (before === everything || !Array.isArray(after)) return false;
  return addedItems(before, after).length > 0;
}

function addedItems(before: unknown, after: unknown): unknown[] {
  const was = new Set((Array.isArray(before) ? before : []).map((x) => JSON.stringify(x)));
  return (Array.isArray(after) ? after : []).filter((x) => !was.has(JSON.stringify(x)));
}

function quota(c: EntityChange, add: (kind: SecurityKind, subject: string, detail: string) => void): void {
  const subject = `quota \`${c.name}\``;
  if (c.change === "removed") return add("quota-loosened", subject, "removed");
  if (c.change !== "changed") return;
  const get = (side: "before" | "after", field: string): unknown => {
    const f = c.fields.find((x) => x.field === field);
    return f === undefined ? undefined : f[side];
  };
  const value = (side: "before" | "after", field: string, fallback: unknown): unknown => (c.fields.some((x) => x.field === field) ? get(side, field) : fallback);
  const limit = (side: "before" | "after"): number => Number(value(side, "limit", NaN));
  const per = (side: "before" | "after"): PlanQuota["per"] => value(side, "per", "day") as PlanQuota["per"];
  const f = (name: string): { before: unknown; after: unknown } | undefined => c.fields.find((x) => x.field === name);
  const l = f("limit");
  const p = f("per");
  if (l !== undefined || p !== undefined) {
    // Compare rates: 100 a minute is looser than 1000 a day.
    const rate = (side: "before" | "after"): number => (l === undefined ? 1 : limit(side)) / (p === undefined ? 1 : windowLengthMs(per(side), 0));
    if (rate("after") > rate("before"))
      add(
        "quota-loosened",
        subject,
        `${l !== undefined ? `limit ${show(l.before)} → ${show(l.after)}` : ""}${l !== undefined && p !== undefined ? ", " : ""}${p !== undefined ? `per ${show(p.before)} → ${show(p.after)}` : ""}`,
      );
  }
  const burst = f("burst");
  if (burst !== undefined && (burst.before === null || (typeof burst.after === "number" && typeof burst.before === "number" && burst.after > burst.before))) {
    add("quota-loosened", subject, `burst ${show(burst.before)} → ${show(burst.after)}`);
  }
  for (const field of ["consumers", "models"]) {
    const m = f(field);
    if (m !== undefined && narrowed(m.before, m.after)) add("quota-loosened", subject, `applies to ${field} ${show(m.after)} (was ${show(m.before)})`);
  }
  const scope = f("scope");
  if (scope !== undefined) add("quota-loosened", subject, `scope ${show(scope.before)} → ${show(scope.after)}: counted per ${show(scope.after)} instead`);
  const failOpen = f("failOpen");
  if (failOpen?.after === true) add("quota-loosened", subject, "admits uncounted when its store fails");
  const downgrade = f("downgrade");
  if (downgrade !== undefined && downgrade.before === null) add("quota-loosened", subject, `exhausted requests are now served by \`${show(downgrade.after)}\` instead of refused`);
  const output = f("outputTokens");
  if (output !== undefined && Number(output.after) < Number(output.before))
    add("quota-loosened", subject, `reserves ${show(output.after)} output tokens without max_tokens (was ${show(output.before)})`);
  const consistency = f("consistency");
  if (consistency?.after === "local") add("quota-loosened", subject, "counted by each replica on its own (was shared)");
}

/** True when `after` selects fewer names than `before` (`all` is every name). */
function narrowed(before: unknown, after: unknown): boolean {
  if (before === "all") return after !== "all";
  if (!Array.isArray(before) || !Array.isArray(after)) return false;
  return before.some((x) => !after.includes(x));
}

/** A guardrail check's strength: absent is weakest; a larger number is stricter. */
type Checks = Map<string, { strength: number; text: string }>;

const ACTION_RANK = (action: unknown): number => GUARDRAIL_ACTIONS.indexOf(action as (typeof GUARDRAIL_ACTIONS)[number]) + 1;

/** The checks of a guardrail chain's view (empty for no chain). */
function checksOf(chain: ViewEntity | undefined): Checks {
  const checks: Checks = new Map();
  if (chain === undefined) return checks;
  for (const [field, value] of chain.fields) {
    const rule = /^(input|output)\.(pii|terms|deny)(\[.+\])\.action$/.exec(field);
    if (rule !== null) checks.set(`${rule[1]} ${rule[2]} ${rule[3]}`, { strength: ACTION_RANK(value), text: String(value) });
    else if (/^(input|output)\.injection\.action$/.test(field)) checks.set(field.replace(".action", ""), { strength: ACTION_RANK(value), text: String(value) });
    else if (/^(input|output)\.injection\.threshold$/.test(field)) checks.set(field, { strength: 2 - Number(value), text: String(value) });
    else if (/^(maxMessages|maxPromptTokens)\.limit$/.test(field)) checks.set(field, { strength: 1 / Math.max(1, Number(value)), text: `at most ${String(value)}` });
    else if (/^(input|output)\.allow$/.test(field) && Array.isArray(value)) for (const p of value) checks.set(`${field} ${String(p)}`, { strength: -1, text: "exempt" });
    else if (/^(input|output)\.window$/.test(field)) checks.set(field, { strength: Number(value) / 1e9, text: `${String(value)} characters` });
    else if (field === "moderation.action") checks.set("moderation", { strength: ACTION_RANK(value), text: String(value) });
    else if (field === "moderation.onError") checks.set(field, { strength: value === "closed" ? 2 : 1, text: String(value) });
    else if (field === "moderation.categories") checks.set(field, { strength: value === null ? 1e9 : Array.isArray(value) ? value.length : 0, text: show(value) });
  }
  return checks;
}

/** How a reviewer reads a check key: "input PII `email`", "input prompt-injection threshold". */
function checkName(key: string): string {
  const rule = /^(input|output) (pii|terms|deny) \[(.+)\]$/.exec(key);
  if (rule !== null) return `${rule[1]} ${rule[2] === "pii" ? "PII" : rule[2] === "terms" ? "deny term" : "deny pattern"} \`${rule[3]}\``;
  const allow = /^(input|output)\.allow (.+)$/.exec(key);
  if (allow !== null) return `${allow[1]} allow pattern \`${allow[2]}\``;
  const names: Record<string, string> = {
    "input.injection": "input prompt-injection check",
    "input.injection.threshold": "input prompt-injection threshold",
    "output.injection": "output prompt-injection check",
    "output.injection.threshold": "output prompt-injection threshold",
    "maxMessages.limit": "message limit",
    "maxPromptTokens.limit": "prompt-token limit",
    "input.window": "input hold-back window",
    "output.window": "output hold-back window",
    moderation: "moderation",
    "moderation.onError": "moderation on error",
    "moderation.categories": "moderation categories",
  };
  return names[key] ?? key;
}

/** Per route in both plans: each guardrail check that is gone or milder after. */
function guardrails(before: PlanView, after: PlanView, add: (kind: SecurityKind, subject: string, detail: string) => void): void {
  const seen = new Set<string>();
  for (const [id, route] of after) {
    if (route.kind !== "route") continue;
    const was = before.get(id);
    if (was === undefined) continue;
    const chainOf = (view: PlanView, r: ViewEntity): ViewEntity | undefined => {
      const name = r.fields.get("guardrails");
      return typeof name === "string" ? view.get(entityId("guardrail-chain", name)) : undefined;
    };
    const b = checksOf(chainOf(before, was));
    const a = checksOf(chainOf(after, route));
    // An allow pattern exempts text: present after but not before is the weakening.
    const keys = [...new Set([...b.keys(), ...a.keys()])].sort();
    for (const key of keys) {
      const x = b.get(key);
      const y = a.get(key);
      // The hold-back window only matters while the output checks exist; their removal is reported on its own.
      const weaker = key.includes(".allow ")
        ? x === undefined && y !== undefined
        : y === undefined
          ? x !== undefined && !key.endsWith(".window")
          : x !== undefined && y.strength < x.strength;
      if (!weaker) continue;
      const detail = key.includes(".allow ")
        ? `${checkName(key)} added (matching text is exempt from every check)`
        : `${checkName(key)}: ${x?.text ?? "(none)"} → ${y?.text ?? "(removed)"}`;
      // Routes sharing a chain report the same weakening once each; the message names the route.
      const dedupe = `${route.name}|${detail}`;
      if (seen.has(dedupe)) continue;
      seen.add(dedupe);
      add("guardrail-weakened", `route \`${route.name}\``, detail);
    }
  }
}
