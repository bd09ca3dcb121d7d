/**
 * Validators for the official OpenAI OpenAPI spec (test/fixtures/conformance), with the
 * documented lenient overlay: real OpenAI traffic is looser than the spec in two
 * places (docs/providers.md#openai-chat-completions), and we accept exactly those and nothing else:
 *   1. `system_fingerprint` may be null (real responses and chunks send null);
 *   2. `choices[].logprobs` may be absent in a non-streamed `chat.completion`.
 * The spec is OpenAPI 3.1 with 3.0 leftovers (`nullable`, `$recursiveRef`), so it is
 * normalized to JSON Schema 2020-12 first. Parsing takes ~1 s: validators are cached.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";
import { CONFORMANCE } from "./repo-paths.js";

type Json = unknown;

function normalize(node: Json): Json {
  if (Array.isArray(node)) return node.map(normalize);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node)) out[k] = normalize(v);
  delete out.$recursiveAnchor;
  if (out.$recursiveRef !== undefined) {
    out.$ref = out.$recursiveRef;
    delete out.$recursiveRef;
  }
  if ("nullable" in out) {
    const nullable = out.nullable;
    delete out.nullable;
    if (nullable === true) {
      if (typeof out.type === "string") {
        out.type = [out.type, "null"];
        if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      } else if (Array.isArray(out.type)) {
        if (!out.type.includes("null")) out.type = [...out.type, "null"];
      } else {
        const copy = { ...out };
        for (const key of Object.keys(out)) delete out[key];
        out.anyOf = [copy, { type: "null" }];
      }
    }
  }
  return out;
}

/** The two overlay edits, applied to the normalized component schemas. */
function applyLenientOverlay(schemas: Record<string, Record<string, unknown>>): void {
  for (const name of ["CreateChatCompletionResponse", "CreateChatCompletionStreamResponse"]) {
    const props = schemas[name]!.properties as Record<string, Record<string, unknown>>;
    props.system_fingerprint = { anyOf: [props.system_fingerprint!, { type: "null" }] };
  }
  const choices = (schemas.CreateChatCompletionResponse!.properties as Record<string, Record<string, unknown>>).choices!;
  const item = choices.items as { required?: string[] };
  item.required = (item.required ?? []).filter((r) => r !== "logprobs");
}

let ajv: Ajv2020 | null = null;
const cache = new Map<string, ValidateFunction>();

export type SpecSchema = "CreateChatCompletionResponse" | "CreateChatCompletionStreamResponse" | "ErrorResponse" | "ListModelsResponse" | "Model";

export function specValidator(name: SpecSchema): ValidateFunction {
  let v = cache.get(name);
  if (v) return v;
  if (ajv === null) {
    const spec = parse(readFileSync(resolve(CONFORMANCE, "openai-openapi.yaml"), "utf8"), { maxAliasCount: -1 }) as {
      components: { schemas: Record<string, Record<string, unknown>> };
    };
    const components = normalize(spec.components) as { schemas: Record<string, Record<string, unknown>> };
    applyLenientOverlay(components.schemas);
    ajv = new Ajv2020({ strict: false, allErrors: true });
    const addFormats = addFormatsModule as unknown as (a: Ajv2020) => void;
    addFormats(ajv);
    ajv.addFormat("unixtime", { type: "number", validate: () => true });
    ajv.addSchema({ $id: "openai", components });
  }
  v = ajv.getSchema(`openai#/components/schemas/${name}`);
  if (!v) throw new Error(`no schema ${name} in the OpenAI spec`);
  cache.set(name, v);
  return v;
}

/**
 * Parsed and compiled when a suite imports this module, before it starts any server: the
 * first parse blocks the event loop for a second or more (several on a loaded machine), and a
 * gateway in the same process must not sit that out between two requests of a keep-alive
 * client (its keep-alive timer then fires as the client reuses the socket: ECONNRESET).
 */
for (const name of ["CreateChatCompletionResponse", "CreateChatCompletionStreamResponse", "ErrorResponse", "ListModelsResponse", "Model"] as const) specValidator(name);

/** Throws with ajv's errors when `value` does not conform to the named schema. */
export function assertConforms(name: SpecSchema, value: unknown): void {
  const v = specValidator(name);
  if (!v(value)) throw new Error(`${name} does not conform: ${JSON.stringify(v.errors?.slice(0, 5))}\nvalue: ${JSON.stringify(value).slice(0, 500)}`);
}
