/**
 * Hermetic evaluation of TypeScript policy modules. Each module is transpiled to
 * CommonJS and run in a fresh `node:vm` context whose global holds only ECMAScript
 * built-ins: no `process`, `require`, file system, network, timers or console; no
 * `eval`/`new Function` and no WebAssembly (code generation is off); `Math.random`
 * and the clock throw, so the same policy always yields the same plan. A module may
 * import only `tollgate` (a shim with the define helpers) and other policy modules.
 *
 * Why this holds: the context's global object is created with a null prototype, so
 * no host-realm object is reachable from policy code (`this.constructor.constructor`
 * is the sandbox's own, code-generating-disabled Function); nothing is passed in
 * but source text, and only strings come out. Each run has a time limit, and
 * promise jobs run inside it (`microtaskMode: "afterEvaluate"`). Memory is not
 * bounded: a module that allocates without limit can exhaust the compiler's heap.
 */
import vm from "node:vm";
import type ts from "typescript";
import * as tollgateApi from "../../../schemas/index.js";
import type { PolicyPath, Source } from "../../ir.js";
import { MAX_FILE_BYTES } from "../load-yaml.js";
import { writtenImports } from "./imports.js";
import type { PolicyModules } from "./policy-modules.js";
import { type RunResult, type SandboxConfig, installSandboxRuntime } from "./sandbox-runtime.js";
import { decodeMappings, originalPosition } from "./source-map-lookup.js";
import { typescript } from "./typescript-api.js";

/** Longest a module may run (each module load, and each policy conversion). */
export const EVALUATION_TIMEOUT_MS = 1000;

/** Deepest nesting of an exported policy. */
const MAX_DEPTH = 64;

/** A position in a policy module (1-based). */
export interface ModulePosition {
  readonly source: Source;
  readonly line: number;
  readonly col: number;
}

/** What evaluating one module gave. */
export type Evaluation =
  | { readonly kind: "policy"; readonly value: unknown }
  | { readonly kind: "none" }
  | { readonly kind: "threw"; readonly message: string; readonly at: ModulePosition | undefined }
  | { readonly kind: "data"; readonly path: PolicyPath; readonly found: string }
  | { readonly kind: "timeout"; readonly module: Source }
  | { readonly kind: "too-large" }
  /** Not run, because an earlier module timed out and the sandbox may be in any state. */
  | { readonly kind: "not-run" };

/** Exports of `tollgate` that run in the sandbox (identity helpers) and those that do not. */
const tollgateExports = ((): Pick<SandboxConfig, "helpers" | "toolOnly"> => {
  const entries = Object.entries(tollgateApi);
  return {
    helpers: entries.filter(([, value]) => typeof value === "function").map(([name]) => name),
    toolOnly: entries.filter(([, value]) => typeof value !== "function").map(([name]) => name),
  };
})();

/** The identity helpers of `tollgate` (`defineGateway`): the sandbox provides them, the locator looks through them. */
export const TOLLGATE_HELPERS: ReadonlySet<string> = new Set(tollgateExports.helpers);

/** Evaluates every policy module in one sandbox, in source order. */
export function evaluatePolicyModules(modules: PolicyModules, files: ReadonlyMap<Source, ts.SourceFile>): Map<Source, Evaluation> {
  const context = vm.createContext(Object.create(null) as object, {
    name: "tollgate policy",
    codeGeneration: { strings: false, wasm: false },
    microtaskMode: "afterEvaluate",
  });
  const config: SandboxConfig = { resolutions: resolutions(modules, files), ...tollgateExports, maxDepth: MAX_DEPTH };
  // esbuild (tsx, vitest) rewrites named functions to `__name(fn, "name")` when it
  // transforms this package's sources; tsc does not. A no-op `__name` lets the
  // runtime's source text run either way.
  const prelude = "const __name = (fn) => fn;\n";
  runScript(`${prelude}(${installSandboxRuntime.toString()})(globalThis, ${JSON.stringify(config)});`, "tollgate:sandbox", context);

  const maps = new Map<string, ReturnType<typeof decodeMappings>>();
  const out = new Map<Source, Evaluation>();
  for (const source of modules.sources) {
    const compiled = transpile(source);
    maps.set(source.path, compiled.map);
    // The wrapper header is line 0, so stack lines are the transpiled module's own.
    const wrapper = `__tollgate_define(${JSON.stringify(source.path)}, function (exports, require, module) {\n${compiled.js}\n});`;
    try {
      runScript(wrapper, source.path, context, -1);
    } catch (err) {
      // Type-checked code that does not compile as CommonJS: in practice, top-level await.
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      const hint = /await/.test(message) ? " (top-level await is not supported in policy modules)" : "";
      out.set(source, { kind: "threw", message: message + hint, at: undefined });
    }
  }

  let timedOut = false;
  for (const source of modules.sources) {
    if (out.has(source)) continue;
    if (timedOut) {
      out.set(source, { kind: "not-run" });
      continue;
    }
    try {
      const result = JSON.parse(String(runScript(`__tollgate_run(${JSON.stringify(source.path)})`, "tollgate:run", context))) as RunResult;
      out.set(source, fromRunResult(result, modules, maps));
    } catch (err) {
      if (!isTimeout(err)) throw err;
      timedOut = true;
      out.set(source, { kind: "timeout", module: currentModule(context, modules) ?? source });
    }
  }
  return out;
}

function runScript(code: string, filename: string, context: vm.Context, lineOffset = 0): unknown {
  return new vm.Script(code, { filename, lineOffset }).runInContext(context, { timeout: EVALUATION_TIMEOUT_MS, displayErrors: false });
}

function isTimeout(err: unknown): boolean {
  // Not `instanceof Error`: vm errors do not always come from this realm.
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT";
}

/** The module that was loading when the time ran out. */
function currentModule(context: vm.Context, modules: PolicyModules): Source | undefined {
  try {
    const path = String(runScript("__tollgate_current()", "tollgate:run", context));
    return modules.sources.find((s) => s.path === path);
  } catch {
    return undefined;
  }
}

function fromRunResult(result: RunResult, modules: PolicyModules, maps: ReadonlyMap<string, ReturnType<typeof decodeMappings>>): Evaluation {
  if (result.ok) {
    if (result.none) return { kind: "none" };
    if (Buffer.byteLength(result.json, "utf8") > MAX_FILE_BYTES) return { kind: "too-large" };
    return { kind: "policy", value: JSON.parse(result.json) as unknown };
  }
  if (result.kind === "data") return { kind: "data", path: result.path, found: result.found };
  return { kind: "threw", message: result.message, at: throwSite(result.stack, modules, maps) };
}

/** The first stack frame in a policy module, mapped back to its TypeScript source. */
function throwSite(stack: string, modules: PolicyModules, maps: ReadonlyMap<string, ReturnType<typeof decodeMappings>>): ModulePosition | undefined {
  for (const frame of stack.split("\n").slice(1)) {
    const match = /:(\d+):(\d+)\)?\s*$/.exec(frame);
    if (match === null) continue;
    const source = modules.sources.find((s) => frame.includes(`${s.path}:${match[1]}:${match[2]}`));
    const map = source === undefined ? undefined : maps.get(source.path);
    if (source === undefined || map === undefined) continue;
    const original = originalPosition(map, Number(match[1]) - 1, Number(match[2]) - 1);
    if (original !== undefined) return { source, line: original.line + 1, col: original.column + 1 };
  }
  return undefined;
}

/** Transpiles one module to CommonJS, with its source map decoded. */
function transpile(source: Source): { js: string; map: ReturnType<typeof decodeMappings> } {
  const ts = typescript();
  const output = ts.transpileModule(source.text, {
    fileName: source.path,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true, esModuleInterop: false, removeComments: false },
  });
  const js = output.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
  const map = output.sourceMapText === undefined ? [] : decodeMappings((JSON.parse(output.sourceMapText) as { mappings: string }).mappings);
  return { js, map };
}

/** Every static relative import, resolved to the policy module it names. */
function resolutions(modules: PolicyModules, files: ReadonlyMap<Source, ts.SourceFile>): SandboxConfig["resolutions"] {
  const out: Record<string, Record<string, string>> = {};
  for (const [source, file] of files) {
    const table: Record<string, string> = {};
    for (const { text } of writtenImports(file)) {
      const target = modules.resolveImport(source, text);
      if (target !== undefined) table[text] = target.path;
    }
    out[source.path] = table;
  }
  return out;
}
