/**
 * `npm run generate`: writes every generated file from its source:
 *   schemas/generated/policy.schema.json  JSON Schema of the policy (YAML editors)
 *   schemas/generated/plan.schema.json    JSON Schema of the plan
 *   schemas/generated/plan-validate.ts    ajv standalone validator of the plan (runtime)
 *   docs/reference/policy.md              the policy reference, from the zod schemas
 *   docs/reference/diagnostics.md         every compiler diagnostic, from compiler/diagnostics/codes.ts
 *   docs/reference/errors.md              every runtime error, from runtime/base/error-table.ts
 *   docs/reference/providers.md           every provider kind, from schemas/catalog/providers.ts
 *   docs/reference/cli.md                 the command line's own --help
 * `--check` writes nothing and exits 1 when a committed file is out of date.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { generatedDocs } from "./docs/generated-docs.js";
import { generatedFiles } from "./generated-files.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const check = process.argv.includes("--check");
let stale = 0;
for (const [path, text] of Object.entries({ ...generatedFiles(), ...(await generatedDocs()) })) {
  const full = root + path;
  let current = "";
  try {
    current = readFileSync(full, "utf8");
  } catch {
    /* missing counts as stale */
  }
  if (current === text) continue;
  if (check) {
    console.error(`${path} is out of date: run npm run generate`);
    stale++;
  } else {
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    console.log(`wrote ${path}`);
  }
}
process.exit(stale ? 1 : 0);
