/**
 * Renders docs/reference/diagnostics.md from the compiler's diagnostics table
 * (compiler/diagnostics/codes.ts): every code with its severity, name, message
 * template and help, grouped by the code range of its family.
 */
import { diagnosticCodes, type CodeDefinition } from "../../compiler/diagnostics/codes.js";
import { cell, generatedBanner, slug, table } from "./markdown.js";

/** A family of codes: the code prefix that selects it, a title, and the guide that explains it. */
interface Family {
  readonly prefix: string;
  readonly range: string;
  readonly title: string;
  readonly guide: string;
}

/** The families, by code prefix; the longest matching prefix wins (TG11xx before TG1xxx). */
const FAMILIES: readonly Family[] = [
  { prefix: "TG1", range: "TG1xxx", title: "YAML syntax and the shape of policy documents", guide: "../policy-language.md" },
  { prefix: "TG11", range: "TG11xx", title: "TypeScript policies: type-check and hermetic evaluation", guide: "../policy-language.md#typescript-policies" },
  { prefix: "TG2", range: "TG2xxx", title: "References and duplicates", guide: "../what-check-proves.md#1-references-resolve-secrets-are-declared-allowed-models-are-reachable" },
  { prefix: "TG3", range: "TG3xxx", title: "Analyses of the whole gateway (mostly warnings)", guide: "../what-check-proves.md" },
  { prefix: "TG4", range: "TG4xxx", title: "Policy tests", guide: "../policy-language.md#policy-tests" },
  { prefix: "TG5", range: "TG5xxx", title: "Operations settings: audit, alerts, TLS", guide: "../operations.md" },
  { prefix: "TG60", range: "TG60xx", title: "Provider kinds, per-kind settings and protocol options", guide: "../providers.md#provider-kinds" },
  { prefix: "TG62", range: "TG62xx", title: "Routing: route conditions, selection strategies, GPU pools, KV-cache affinity", guide: "../routing-and-reliability.md" },
  {
    prefix: "TG63",
    range: "TG63xx",
    title: "Reliability: key weights, health, timeouts, retries, fallbacks, hedging, degraded answers",
    guide: "../routing-and-reliability.md#reliability",
  },
  { prefix: "TG64", range: "TG64xx", title: "Quotas, budgets and their stores", guide: "../quotas-and-budgets.md" },
  { prefix: "TG65", range: "TG65xx", title: "Guardrail sets", guide: "../guardrails-and-caches.md#guardrails" },
  { prefix: "TG66", range: "TG66xx", title: "Templates, decorators, response caches, conversation memory and stores", guide: "../guardrails-and-caches.md" },
  { prefix: "TG67", range: "TG67xx", title: "State stores: the local state directory, PostgreSQL, cost-allocation tags", guide: "../quotas-and-budgets.md#what-survives-what" },
];

/** The family of a code; a code outside every range is a mistake in this file, not in the table. */
function familyOf(code: string): Family {
  const matches = FAMILIES.filter((f) => code.startsWith(f.prefix)).sort((a, b) => b.prefix.length - a.prefix.length);
  if (!matches[0]) throw new Error(`diagnostic ${code} is in no family of scripts/docs/diagnostics-reference.ts: add its range there`);
  return matches[0];
}

function row(name: string, d: CodeDefinition): string[] {
  const severity = d.redact ? `${d.severity} (source masked)` : d.severity;
  return [`<a id="${d.code.toLowerCase()}"></a>**${d.code}**`, severity, `\`${name}\``, cell(d.message), cell(d.help ?? "")];
}

/** docs/reference/diagnostics.md. */
export function diagnosticsReferenceDocument(): string {
  const entries = Object.entries(diagnosticCodes as Record<string, CodeDefinition>).sort(([, a], [, b]) => a.code.localeCompare(b.code));
  const byFamily = new Map<Family, [string, CodeDefinition][]>();
  for (const entry of entries) {
    const family = familyOf(entry[1].code);
    byFamily.set(family, [...(byFamily.get(family) ?? []), entry]);
  }
  const families = FAMILIES.filter((f) => byFamily.has(f)).sort((a, b) => byFamily.get(a)![0]![1].code.localeCompare(byFamily.get(b)![0]![1].code));
  const errors = entries.filter(([, d]) => d.severity === "error").length;
  const out = [
    generatedBanner("the diagnostics table, compiler/diagnostics/codes.ts"),
    "",
    "# Compiler diagnostics",
    "",
    `Every problem \`tollgate check\`, \`compile\` and \`test\` can report: ${entries.length} codes, ${errors} errors and`,
    `${entries.length - errors} warnings. A code is stable: CI and editors may match on it. Errors stop the plan from`,
    "being written; warnings do not, unless `--strict`. Each diagnostic is printed with the",
    "`file:line:col` it is about, a code frame, and a `= help:` line (the help below, unless the",
    'report gives a more specific suggestion such as a "did you mean"). `--format json` and',
    "`--format github` carry the same code, severity and message.",
    "",
    "`{name}` in a message is filled in from the policy (a model, a provider, a route, a number).",
    'Codes marked "source masked" are about a span that may hold a secret: the span is masked in',
    "every code frame of the file and the message never quotes it.",
    "",
    "What the analyses prove, with examples of real output: [What `tollgate check` proves](../what-check-proves.md).",
    "",
    "## Contents",
    "",
    ...families.map((f) => `- [${f.range}: ${f.title}](#${anchorOf(f)})`),
    "",
  ];
  for (const family of families) {
    out.push(`## ${family.range}: ${family.title}`, "", `Explained in [${guideName(family.guide)}](${family.guide}).`, "");
    out.push(
      table(
        ["code", "severity", "name", "message", "help"],
        byFamily.get(family)!.map(([name, d]) => row(name, d)),
      ),
      "",
    );
  }
  return out.join("\n");
}

/** The heading anchor of a family's section (its heading is `range: title`). */
function anchorOf(f: Family): string {
  return slug(`${f.range}: ${f.title}`);
}

/** A readable name for a guide link. */
function guideName(guide: string): string {
  const file = guide.replace(/^\.\.\//, "").replace(/#.*$/, "");
  return `docs/${file}`;
}
