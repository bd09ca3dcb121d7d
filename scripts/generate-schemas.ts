/**
 * Writes the generated schema files from the zod sources:
 *   schemas/generated/policy.schema.json  JSON Schema of the policy (YAML editors, docs)
 *   schemas/generated/plan.schema.json    JSON Schema of the plan
 *   schemas/generated/plan-validate.ts    ajv standalone validator of the plan (runtime)
 * `--check` writes nothing and exits 1 when a committed file is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generatedFiles } from "./generated-files.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const check = process.argv.includes("--check");
let stale = 0;
for (const [path, text] of Object.entries(generatedFiles())) {
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
    writeFileSync(full, text);
    console.log(`wrote ${path}`);
  }
}
process.exit(stale ? 1 : 0);
