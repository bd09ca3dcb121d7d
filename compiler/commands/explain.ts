/**
 * `tollgate explain --plan plan.json --request req.json [--key K | --consumer NAME]
 * [--header name:value…] [--fail rule…] [--format human|json]`: the decision path of
 * one request, each step with the policy line that decided it (from
 * `plan.sourcemap.json`, or exact when `--policy <paths…>` compiles the policy in
 * memory): routing, guardrails, quotas, the attempt order with its conditions,
 * retries, budget, deadline, hedge and degraded answer; with `--fail` (the rules of
 * `simulate`), the attempts made when those upstreams fail. The key is only hashed,
 * never printed. Exit 0 when the request would be served, 1 when it would be refused
 * (401/403/404/429) or, with `--fail`, not served; 2 on usage errors.
 */
import { readFile } from "node:fs/promises";
import { type Caller, keyDigest } from "../decision/decide.js";
import { normalizeHeaders } from "../decision/match-route.js";
import { type ExplainInput, explainRequest } from "./explain/explain-request.js";
import { renderExplanationJson, renderExplanationText } from "./explain/render-explanation.js";
import { type PlanSourceOptions, loadPlanInput, usage } from "./plan-input.js";
import { EXIT } from "./run-compiler.js";
import { parseFailureRules } from "./simulate/failure-rules.js";

/** Options of `tollgate explain`. */
export interface ExplainOptions extends PlanSourceOptions {
  request: string;
  key?: string;
  consumer?: string;
  header?: string[];
  fail?: string[];
  format: string;
}

/** Runs `tollgate explain`; returns the exit code. */
export async function explainCommand(opts: ExplainOptions): Promise<number> {
  if (opts.format !== "human" && opts.format !== "json") return usage("explain", `unknown --format \`${opts.format}\`; use human or json`);
  if (opts.key !== undefined && opts.consumer !== undefined) return usage("explain", "give --key or --consumer, not both");
  const request = await readRequest(opts);
  if (typeof request === "string") return usage("explain", request);
  const input = await loadPlanInput("explain", opts);
  if (typeof input === "number") return input;

  const failures = opts.fail === undefined ? undefined : parseFailureRules(opts.fail, input.plan);
  if (typeof failures === "string") return usage("explain", failures);
  const explanation = explainRequest(input.plan, input.sourceMap, failures === undefined ? request : { ...request, failures });
  const notes = input.sourceMapNote === null ? [] : [input.sourceMapNote];
  if (opts.format === "json") process.stdout.write(renderExplanationJson(explanation, notes));
  else {
    const header = `explain: POST /v1/chat/completions, model \`${request.model}\`, against ${input.label} (${input.plan.hash.slice(0, 19)}…)`;
    process.stdout.write(renderExplanationText(explanation, header, notes));
  }
  return explanation.served ? EXIT.ok : EXIT.failed;
}

/**
 * The request file holds the JSON body a client POSTs, or `{ "body": {…}, "headers": {…} }`.
 * Returns the request, or a message saying what is wrong with it.
 */
async function readRequest(opts: ExplainOptions): Promise<ExplainInput | string> {
  const text = await readFile(opts.request, "utf8").catch(() => null);
  if (text === null) return `cannot read ${opts.request}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `${opts.request} is not valid JSON`;
  }
  if (!isRecord(value)) return `${opts.request} must hold a JSON object`;
  const body = isRecord(value.body) ? value.body : value;
  if (typeof body.model !== "string" || body.model === "") return `${opts.request} has no \`model\``;
  const headers: Record<string, string> = {};
  if (isRecord(value.headers)) for (const [name, v] of Object.entries(value.headers)) if (typeof v === "string") headers[name] = v;
  for (const flag of opts.header ?? []) {
    const match = /^([^:=]+)[:=]\s*(.*)$/.exec(flag);
    if (match === null) return `--header must look like \`name: value\`, not \`${flag}\``;
    headers[(match[1] ?? "").trim()] = match[2] ?? "";
  }
  const caller: Caller =
    opts.key !== undefined ? { kind: "key-digest", sha256: keyDigest(opts.key) } : opts.consumer !== undefined ? { kind: "consumer", name: opts.consumer } : { kind: "none" };
  const callerLabel = caller.kind === "key-digest" ? `key sha256:${caller.sha256.slice(0, 8)}…` : caller.kind === "consumer" ? `--consumer ${caller.name}` : "no API key";
  return { model: body.model, caller, callerLabel, headers: normalizeHeaders(headers), body };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
