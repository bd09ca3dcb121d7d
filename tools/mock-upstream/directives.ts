/**
 * Chooses the behaviour for one request from the server defaults, the `x-mock-*` headers
 * and the `+key=value` directives in the model name.
 *
 * The model-name spelling exists because a gateway does not forward client headers: a
 * policy target such as `echo+status=500` is the only way to script an upstream failure
 * behind it. Precedence: defaults < headers < model directives (the most specific wins).
 */
import type { IncomingHttpHeaders } from "node:http";
import { KNOBS, type MockBehaviour } from "./behaviour.js";

/** The outcome of choosing a behaviour: the behaviour and the model name to echo, or an error. */
export type BehaviourChoice = { behaviour: Readonly<MockBehaviour>; model: string; error?: undefined } | { error: string };

/** `x-mock-*` header → knob name. Checked by direct lookups: no scan, no regex. */
const HEADER_KNOBS: ReadonlyArray<readonly [header: string, knob: string]> = [
  ["x-mock-latency-ms", "latency"],
  ["x-mock-ttft-ms", "ttft"],
  ["x-mock-tps", "tps"],
  ["x-mock-tokens", "tokens"],
  ["x-mock-status", "status"],
  ["x-mock-fail", "fail"],
  ["x-mock-drop-after", "drop"],
  ["x-mock-retry-after", "retry"],
  ["x-mock-stream-error-after", "streamerror"],
  ["x-mock-cached-tokens", "cached"],
  ["x-mock-safety", "safety"],
  ["x-mock-say", "say"],
  ["x-mock-chunk", "chunk"],
];

/**
 * Returns the behaviour for a request. On the common path (no `x-mock-*` header, no `+`
 * in the model) it returns `defaults` itself, allocating nothing.
 */
export function chooseBehaviour(defaults: Readonly<MockBehaviour>, headers: IncomingHttpHeaders, model: string): BehaviourChoice {
  let behaviour: MockBehaviour | undefined;
  for (const [header, knob] of HEADER_KNOBS) {
    const value = headers[header];
    if (value === undefined) continue;
    behaviour ??= { ...defaults };
    const error = applyKnob(behaviour, knob, Array.isArray(value) ? (value[0] ?? "") : value, header);
    if (error !== undefined) return { error };
  }
  const plus = model.indexOf("+");
  if (plus === -1) return { behaviour: behaviour ?? defaults, model };

  behaviour ??= { ...defaults };
  const parts = model.split("+");
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] ?? "";
    const eq = part.indexOf("=");
    if (eq <= 0) return { error: `model directive \`${part}\` must look like key=value` };
    const error = applyKnob(behaviour, part.slice(0, eq), part.slice(eq + 1), `model directive \`${part}\``);
    if (error !== undefined) return { error };
  }
  return { behaviour, model: model.slice(0, plus) };
}

function applyKnob(b: MockBehaviour, knob: string, value: string, where: string): string | undefined {
  const apply = KNOBS.get(knob);
  if (apply === undefined) {
    return `${where}: unknown key \`${knob}\` (known: ${[...KNOBS.keys()].join(", ")})`;
  }
  const error = apply(b, value.trim());
  return error === undefined ? undefined : `${where}: ${error}`;
}
