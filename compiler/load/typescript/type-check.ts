/**
 * TypeScript's own diagnostics for the policy modules, as Tollgate diagnostics at the
 * same file:line:col. Only the policy modules are checked (library files are trusted).
 * A name that exists in Node but not in the sandbox (`process`, `require`, `console`,
 * `setTimeout`, …) gets its own code: TypeScript's advice to install @types/node
 * would be wrong here.
 */
import type ts from "typescript";
import type { CompileContext } from "../../context.js";
import type { RelatedLocation } from "../../diagnostics/diagnostic.js";
import type { Source } from "../../ir.js";
import type { PolicyModules } from "./policy-modules.js";
import { spanOfRange } from "./ts-span.js";
import { typescript } from "./typescript-api.js";

/** Node and browser globals a policy might reach for; none exists in the sandbox. */
const HOST_GLOBALS = new Set([
  "process",
  "require",
  "module",
  "exports",
  "__dirname",
  "__filename",
  "Buffer",
  "global",
  "console",
  "setTimeout",
  "setInterval",
  "setImmediate",
  "clearTimeout",
  "clearInterval",
  "clearImmediate",
  "queueMicrotask",
  "fetch",
  "XMLHttpRequest",
  "WebSocket",
  "performance",
  "crypto",
  "structuredClone",
  "URL",
  "URLSearchParams",
  "TextEncoder",
  "TextDecoder",
  "atob",
  "btoa",
  "Deno",
  "Bun",
  "window",
  "self",
  "navigator",
]);

/** "Cannot find name 'x'" and its variants that suggest installing type definitions. */
const CANNOT_FIND_NAME = new Set([2304, 2580, 2582, 2583, 2584, 2591, 2592, 2593]);

/** Nodes whose problem was already reported by the import check or the secret scan. */
export interface AlreadyReported {
  readonly imports: ReadonlySet<ts.Node>;
  readonly secrets: readonly ts.Node[];
}

/**
 * Reports the type errors of every policy module. At imports already refused
 * TypeScript says "cannot find module" (or, for `node:` modules, "cannot find name"),
 * and at a literal secret "type '"sk-…"' is not assignable to SecretReference":
 * those are dropped, and every secret text is masked in what remains.
 */
export function reportTypeErrors(program: ts.Program, modules: PolicyModules, already: AlreadyReported, ctx: CompileContext): void {
  const at = (node: ts.Node): string => `${node.getSourceFile().fileName}:${node.getStart()}`;
  const imports = new Set([...already.imports].map(at));
  const secrets = new Set(already.secrets.map(at));
  const ts = typescript();
  const mask = masker(already.secrets.map((node) => (ts.isStringLiteralLike(node) ? node.text : node.getText())));
  const first = modules.sources[0];
  for (const d of [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]) {
    // Options are fixed by the compiler, so these would be a compiler bug; still, say so where it is seen.
    if (first !== undefined) ctx.report("ts-diagnostic", { tsCode: d.code, detail: mask(messageOf(d)) }, { file: first.path, line: 1, col: 1 });
  }
  for (const source of modules.sources) {
    const file = program.getSourceFile(modules.absolute(source));
    if (file === undefined) continue;
    const own = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].filter((d) => {
      if (d.start === undefined || d.file === undefined) return false;
      const key = `${d.file.fileName}:${d.start}`;
      return !imports.has(key) && !secrets.has(key);
    });
    // The same mistake met at several places (a shared constant used twice): once, with the other places as notes.
    const byMessage = new Map<string, ts.Diagnostic[]>();
    for (const d of collapseCascades(own)) {
      const key = `${d.code}|${messageOf(d)}`;
      (byMessage.get(key) ?? byMessage.set(key, []).get(key)!).push(d);
    }
    for (const [first, ...others] of byMessage.values()) {
      const again = others.map((o) => {
        const at = spanOfRange(source.path, o.file!, o.start!, o.start! + (o.length ?? 0));
        return { file: at.file, line: at.line, col: at.col, message: "the same error here" };
      });
      report(first!, source, first!.file!, first!.start!, modules, mask, ctx, again);
    }
  }
}

/**
 * One mistake, one error: TypeScript often reports a mistake again on the expression
 * that encloses it (the object literal, the array, the call), and sometimes twice at
 * the same place. Keeps the innermost report of each nest, once.
 */
export function collapseCascades(diagnostics: readonly ts.Diagnostic[]): ts.Diagnostic[] {
  const span = (d: ts.Diagnostic): [number, number] => [d.start ?? 0, (d.start ?? 0) + (d.length ?? 0)];
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const [start, end] = span(d);
    const key = `${start}:${end}:${d.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    // An enclosing report of a mistake reported inside it is the cascade.
    return !diagnostics.some((other) => {
      if (other === d) return false;
      const [s, e] = span(other);
      return s >= start && e <= end && e - s < end - start;
    });
  });
}

function report(
  d: ts.Diagnostic,
  source: Source,
  file: ts.SourceFile,
  start: number,
  modules: PolicyModules,
  mask: (text: string) => string,
  ctx: CompileContext,
  again: readonly RelatedLocation[] = [],
): void {
  const span = spanOfRange(source.path, file, start, start + (d.length ?? 0));
  const name = file.text.slice(start, start + (d.length ?? 0));
  if (CANNOT_FIND_NAME.has(d.code) && HOST_GLOBALS.has(name)) {
    ctx.report("ts-host-global", { name }, span);
    return;
  }
  const related = [...relatedIn(d, modules), ...again].map((r) => ({ at: r, message: mask(r.message) }));
  ctx.report("ts-diagnostic", { tsCode: d.code, detail: mask(messageOf(d)) }, span, related.length > 0 ? { related } : {});
}

/** Replaces every occurrence of the given secret texts with `****`. */
function masker(secrets: readonly string[]): (text: string) => string {
  const texts = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  return (text) => texts.reduce((out, secret) => out.split(secret).join("****"), text);
}

/** Longest outer elaboration kept in a message; the innermost one (the cause) is always whole. */
const MAX_CONTEXT = 120;

/**
 * The message chain on one line. TypeScript elaborates from general to specific
 * ("Type A is not assignable to type B. / Types of property 'x' are incompatible. / …"),
 * and the general lines spell out whole object types. The specific line (the cause)
 * comes first, then the first general line, cut, as context: a reader of a CI log has
 * no editor hover to expand it, and needs the cause before the types.
 */
function messageOf(d: ts.Diagnostic | ts.DiagnosticRelatedInformation): string {
  const lines = typescript()
    .flattenDiagnosticMessageText(d.messageText, "\n")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  if (lines.length <= 1) return lines.join("");
  const cause = lines[lines.length - 1]!;
  const context = lines[0]!.length > MAX_CONTEXT ? `${lines[0]!.slice(0, MAX_CONTEXT - 1)}…` : lines[0]!;
  return `${cause} (${context.replace(/\.$/, "")})`;
}

/** Related locations that are in policy modules (those in library files mean nothing to the author). */
function relatedIn(d: ts.Diagnostic, modules: PolicyModules): RelatedLocation[] {
  const out: RelatedLocation[] = [];
  for (const r of d.relatedInformation ?? []) {
    const source = r.file === undefined ? undefined : modules.byAbsolute(r.file.fileName);
    if (source === undefined || r.file === undefined || r.start === undefined) continue;
    const span = spanOfRange(source.path, r.file, r.start, r.start + (r.length ?? 0));
    out.push({ file: span.file, line: span.line, col: span.col, message: messageOf(r) });
  }
  return out;
}
