/**
 * The import graph of the repository's TypeScript, and the rules that keep its
 * architecture: the runtime's layers (a value import may only point to the same
 * layer or one below), the plan as the only contract between compiler and runtime,
 * and no import circles. Pure functions over file texts, so the rules are unit-tested
 * on small synthetic trees (import-graph.test.ts) as well as run on the real one
 * (layers.test.ts).
 *
 * Only value imports bind modules at run time: `import type` (and `import { type A }`
 * lists holding only types) are erased under `verbatimModuleSyntax`, so they may point
 * anywhere and are ignored by the layer and circle rules.
 */
import { posix } from "node:path";

/** One import statement (or `export … from`, or `import()`) of a file. */
export interface ImportEdge {
  /** Repository-relative path of the importing file. */
  readonly from: string;
  /** Repository-relative path of the imported file (`.ts`), or the package name. */
  readonly to: string;
  /** False for `import type` and type-only import lists. */
  readonly value: boolean;
  /** True when `to` is a package, not a file of the repository. */
  readonly external: boolean;
}

const STATIC_IMPORT = /^\s*(?:import|export)\s+(type\s+)?([^'";]*?)\s*from\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Whether an import clause (`{ a, type B }`, `X`, `* as N`) binds any value. */
function bindsValue(typeKeyword: string | undefined, clause: string): boolean {
  if (typeKeyword !== undefined) return false;
  const braces = /^\{([\s\S]*)\}$/.exec(clause.trim());
  if (braces === null) return true;
  const names = braces[1]!
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  // `import {} from "x"` still runs x; a list of only `type` names binds nothing.
  return names.length === 0 || names.some((n) => !n.startsWith("type "));
}

/** The package a bare specifier names (`@scope/pkg/sub` → `@scope/pkg`). */
function packageOf(spec: string): string {
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** Resolves a relative specifier to the repository file it names (`.js` written for `.ts`). */
function resolveSpecifier(from: string, spec: string, files: ReadonlySet<string>): string {
  const base = posix.normalize(posix.join(posix.dirname(from), spec));
  for (const candidate of [base.replace(/\.js$/, ".ts"), base.replace(/\.mjs$/, ".mts"), base, `${base}.ts`, `${base}/index.ts`]) {
    if (files.has(candidate)) return candidate;
  }
  return base.replace(/\.js$/, ".ts");
}

/** Every import of every file, from the files' texts (keys: repository-relative paths). */
export function importEdges(sources: ReadonlyMap<string, string>): ImportEdge[] {
  const files = new Set(sources.keys());
  const edges: ImportEdge[] = [];
  for (const [from, text] of sources) {
    const add = (spec: string, value: boolean): void => {
      const external = !spec.startsWith(".");
      edges.push({ from, to: external ? packageOf(spec) : resolveSpecifier(from, spec, files), value, external });
    };
    for (let m = STATIC_IMPORT.exec(text); m !== null; m = STATIC_IMPORT.exec(text)) {
      if (m[4] !== undefined) add(m[4], true);
      else add(m[3]!, bindsValue(m[1], m[2]!));
    }
    for (let m = DYNAMIC_IMPORT.exec(text); m !== null; m = DYNAMIC_IMPORT.exec(text)) add(m[1]!, true);
  }
  return edges;
}

/**
 * The runtime's layers, top to bottom. A file belongs to the layer named by its first
 * folder under `runtime/` (`runtime/gateway.ts` is its own layer).
 */
export interface LayerRules {
  readonly root: string;
  readonly order: readonly string[];
}

/** The layer of a runtime file, or null when the file is outside the root or in no listed layer. */
export function layerOf(file: string, rules: LayerRules): string | null {
  if (!file.startsWith(`${rules.root}/`)) return null;
  const rest = file.slice(rules.root.length + 1);
  const first = rest.includes("/") ? rest.slice(0, rest.indexOf("/")) : rest;
  return rules.order.includes(first) ? first : null;
}

/** A value import that points up the layer order (or into no layer at all). */
export interface LayerViolation {
  readonly edge: ImportEdge;
  readonly fromLayer: string | null;
  readonly toLayer: string | null;
}

/** Value imports between runtime files that break the order; files in no layer are violations too. */
export function layerViolations(edges: readonly ImportEdge[], rules: LayerRules): LayerViolation[] {
  const out: LayerViolation[] = [];
  for (const edge of edges) {
    if (!edge.value || edge.external || !edge.from.startsWith(`${rules.root}/`) || !edge.to.startsWith(`${rules.root}/`)) continue;
    const fromLayer = layerOf(edge.from, rules);
    const toLayer = layerOf(edge.to, rules);
    if (fromLayer === null || toLayer === null || rules.order.indexOf(toLayer) < rules.order.indexOf(fromLayer)) out.push({ edge, fromLayer, toLayer });
  }
  return out;
}

/** The import circles among value imports of the files under `prefix`, each as the files of one strongly connected component. */
export function importCircles(edges: readonly ImportEdge[], prefix: string): string[][] {
  const graph = new Map<string, string[]>();
  for (const e of edges) {
    if (!e.value || e.external || !e.from.startsWith(prefix) || !e.to.startsWith(prefix)) continue;
    (graph.get(e.from) ?? graph.set(e.from, []).get(e.from)!).push(e.to);
    if (!graph.has(e.to)) graph.set(e.to, []);
  }
  // Tarjan's strongly connected components (iterative, so deep chains cannot overflow the stack).
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const circles: string[][] = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: [string, number][] = [[start, 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [node, i] = frame;
      const targets = graph.get(node)!;
      if (i < targets.length) {
        frame[1] = i + 1;
        const t = targets[i]!;
        if (!index.has(t)) {
          index.set(t, next);
          low.set(t, next++);
          stack.push(t);
          onStack.add(t);
          work.push([t, 0]);
        } else if (onStack.has(t)) low.set(node, Math.min(low.get(node)!, index.get(t)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low.set(parent, Math.min(low.get(parent)!, low.get(node)!));
      }
      if (low.get(node) === index.get(node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        if (component.length > 1 || targets.includes(node)) circles.push(component.sort());
      }
    }
  }
  return circles;
}

/** Imports (of any kind) from files under `fromPrefix` into files under any of `forbidden`. */
export function crossings(edges: readonly ImportEdge[], fromPrefix: string, forbidden: readonly string[], valueOnly = false): ImportEdge[] {
  return edges.filter((e) => e.from.startsWith(fromPrefix) && (!valueOnly || e.value) && forbidden.some((f) => (e.external ? e.to === f : e.to.startsWith(f))));
}
