/**
 * The code that runs INSIDE the evaluation sandbox, before any policy module. It is
 * written here so that it is type-checked, and installed by its source text
 * (`installSandboxRuntime.toString()`), so it must be self-contained: it may use only
 * ECMAScript built-ins, which then resolve to the sandbox's own realm. No host object
 * ever enters the sandbox, and only strings come out of it (see evaluate.ts).
 *
 * It provides:
 * - `__tollgate_define(path, wrapper)`: registers a transpiled (CommonJS) module;
 * - `__tollgate_run(path)`: loads a module and returns, as a JSON string, its policy
 *   export converted to plain data, or why that failed;
 * - `__tollgate_current()`: the module being loaded (to attribute a timeout);
 * - the `tollgate` module: `defineGateway` (identity) and, for names that exist only
 *   for type checking and tools (the zod schemas), getters that explain that.
 */

/** What the host tells the sandbox, embedded in the bootstrap as JSON. */
export interface SandboxConfig {
  /** Static relative imports, resolved by the host: module path → specifier → module path. */
  readonly resolutions: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Exports of `tollgate` that are identity helpers, e.g. `defineGateway`. */
  readonly helpers: readonly string[];
  /** Other exports of `tollgate` (schemas, constants): an error to use at evaluation time. */
  readonly toolOnly: readonly string[];
  /** Deepest nesting of the exported policy. */
  readonly maxDepth: number;
}

/** The result of `__tollgate_run`, as parsed by the host. */
export type RunResult =
  | { readonly ok: true; readonly none: true }
  | { readonly ok: true; readonly none: false; readonly json: string }
  | { readonly ok: false; readonly kind: "threw"; readonly message: string; readonly stack: string }
  | { readonly ok: false; readonly kind: "data"; readonly path: readonly (string | number)[]; readonly found: string };

type Wrapper = (exports: Record<string, unknown>, require: (specifier: string) => unknown, module: { exports: unknown }) => void;

/** Installs the sandbox runtime into `global` (the sandbox's globalThis). */
export function installSandboxRuntime(global: Record<string, unknown>, config: SandboxConfig): void {
  // Captured before any policy code runs, so a module that replaces a built-in cannot change how results are read.
  const { stringify } = JSON;
  const { keys, getPrototypeOf, getOwnPropertyDescriptor, defineProperty, freeze, create } = Object;
  const { isArray } = Array;
  const ObjectPrototype = Object.prototype;
  const RealDate = Date;

  const unavailable = (what: string) => (): never => {
    throw new Error(`${what} is not available in a policy module: the same policy must always compile to the same plan`);
  };
  Math.random = unavailable("Math.random()");
  RealDate.now = unavailable("Date.now()");
  global.Date = new Proxy(RealDate, {
    construct: (target, args, newTarget) => (args.length === 0 ? unavailable("new Date()")() : Reflect.construct(target, args, newTarget)),
    apply: unavailable("Date()"),
  });
  for (const name of ["console", "SharedArrayBuffer", "Atomics", "WebAssembly"]) delete global[name];

  const tollgate = create(null) as Record<string, unknown>;
  defineProperty(tollgate, "__esModule", { value: true });
  for (const name of config.helpers) defineProperty(tollgate, name, { value: (value: unknown) => value, enumerable: true });
  for (const name of config.toolOnly) {
    defineProperty(tollgate, name, {
      enumerable: true,
      get: () => {
        throw new Error(`\`${name}\` from "tollgate" is for type checking and tools; a policy module can only call ${config.helpers.join(", ")} when it runs`);
      },
    });
  }
  freeze(tollgate);

  interface Record_ {
    exports: Record<string, unknown>;
    state: "loading" | "done" | "failed";
    error: unknown;
  }
  const wrappers: Record<string, Wrapper> = create(null) as Record<string, Wrapper>;
  const loaded: Record<string, Record_> = create(null) as Record<string, Record_>;
  const loading: string[] = [];

  const load = (path: string): Record<string, unknown> => {
    const existing = loaded[path];
    if (existing !== undefined) {
      if (existing.state === "failed") throw existing.error;
      return existing.exports; // done, or a cycle: the exports so far, as in CommonJS
    }
    const wrapper = wrappers[path];
    if (wrapper === undefined) throw new Error(`internal: module ${path} was not defined`);
    const record: Record_ = { exports: create(null) as Record<string, unknown>, state: "loading", error: undefined };
    loaded[path] = record;
    const module = { exports: record.exports as unknown };
    const require = (specifier: string): unknown => {
      if (specifier === "tollgate") return tollgate;
      const target = config.resolutions[path]?.[specifier];
      if (target === undefined) throw new Error(`a policy module may import only "tollgate" and other policy files, not "${String(specifier)}"`);
      return load(target);
    };
    loading.push(path);
    try {
      wrapper(record.exports, require, module);
      if (module.exports !== record.exports) record.exports = module.exports as Record<string, unknown>;
      record.state = "done";
    } catch (error) {
      record.state = "failed";
      record.error = error;
      throw error;
    } finally {
      loading.pop();
    }
    return record.exports;
  };

  // Plain data, copied; throws a DataProblem for anything JSON cannot hold faithfully.
  interface DataProblem {
    readonly path: (string | number)[];
    readonly found: string;
  }
  const problems = new WeakSet<DataProblem>();
  const problem = (path: (string | number)[], found: string): DataProblem => {
    const p = { path, found };
    problems.add(p);
    return p;
  };
  const copy = (value: unknown, path: (string | number)[], stack: unknown[]): unknown => {
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "number":
        if (value !== value) throw problem(path, "NaN");
        if (value === Infinity || value === -Infinity) throw problem(path, "infinite");
        return value;
      case "undefined":
        throw problem(path, "undefined");
      case "bigint":
        throw problem(path, "a bigint");
      case "symbol":
        throw problem(path, "a symbol");
      case "function":
        throw problem(path, "a function");
      default:
        break;
    }
    if (value === null) return null;
    const object = value as Record<string, unknown>;
    if (stack.includes(object)) throw problem(path, "a reference to itself (a cycle)");
    if (stack.length >= config.maxDepth) throw problem(path, `nested more than ${config.maxDepth} levels deep`);
    if (typeof object.then === "function") throw problem(path, "a promise (export the policy itself; top-level await is not supported)");
    stack.push(object);
    try {
      if (isArray(object)) {
        const items: unknown[] = [];
        for (let i = 0; i < (object as unknown[]).length; i++) items.push(copy((object as unknown[])[i], [...path, i], stack));
        return items;
      }
      const proto: unknown = getPrototypeOf(object);
      if (proto !== ObjectPrototype && proto !== null) {
        const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
        throw problem(path, typeof name === "string" && name !== "" ? `a ${name}` : "an object with a prototype");
      }
      const out = create(null) as Record<string, unknown>;
      for (const key of keys(object)) {
        const descriptor = getOwnPropertyDescriptor(object, key);
        if (descriptor === undefined) continue;
        if (!("value" in descriptor)) throw problem([...path, key], "a getter");
        // `weight: undefined` means "not set", as in JSON; an undefined list item does not.
        if (descriptor.value === undefined) continue;
        defineProperty(out, key, { value: copy(descriptor.value, [...path, key], stack), enumerable: true });
      }
      return out;
    } finally {
      stack.pop();
    }
  };

  const describeThrown = (error: unknown): { message: string; stack: string } => {
    if (typeof error === "object" && error !== null) {
      const { name, message, stack } = error as { name?: unknown; message?: unknown; stack?: unknown };
      const head = typeof name === "string" && name !== "" ? `${name}: ` : "";
      return { message: head + String(message), stack: typeof stack === "string" ? stack : "" };
    }
    return { message: `the value ${String(error)}`, stack: "" };
  };

  const run = (path: string): string => {
    let exports: Record<string, unknown>;
    try {
      exports = load(path);
    } catch (error) {
      return stringify({ ok: false, kind: "threw", ...describeThrown(error) });
    }
    const has = (name: string): boolean => getOwnPropertyDescriptor(exports, name) !== undefined;
    const name = has("default") ? "default" : has("gateway") ? "gateway" : undefined;
    if (name === undefined) return stringify({ ok: true, none: true });
    try {
      return stringify({ ok: true, none: false, json: stringify(copy(exports[name], [], [])) });
    } catch (error) {
      if (typeof error === "object" && error !== null && problems.has(error as DataProblem)) {
        const { path: at, found } = error as DataProblem;
        return stringify({ ok: false, kind: "data", path: at, found });
      }
      return stringify({ ok: false, kind: "threw", ...describeThrown(error) });
    }
  };

  const install = (name: string, value: unknown): void => {
    defineProperty(global, name, { value, writable: false, configurable: false, enumerable: false });
  };
  install("__tollgate_define", (path: string, wrapper: Wrapper) => {
    wrappers[path] = wrapper;
  });
  install("__tollgate_run", run);
  install("__tollgate_current", () => loading[loading.length - 1] ?? "");
}
