/** Computes the text of every generated document under docs/reference/; shared by the generator and its staleness test. */
import { policyJsonSchema } from "../generated-files.js";
import { cliReferenceDocument } from "./cli-reference.js";
import { diagnosticsReferenceDocument } from "./diagnostics-reference.js";
import { errorsReferenceDocument } from "./errors-reference.js";
import { policyReferenceDocument } from "./policy-reference.js";
import { providersReferenceDocument } from "./providers-reference.js";

/** Path (from the repository root) → text, for every generated document. */
export async function generatedDocs(): Promise<Record<string, string>> {
  return {
    "docs/reference/policy.md": policyReferenceDocument(policyJsonSchema()),
    "docs/reference/diagnostics.md": diagnosticsReferenceDocument(),
    "docs/reference/errors.md": errorsReferenceDocument(),
    "docs/reference/providers.md": providersReferenceDocument(),
    "docs/reference/cli.md": await cliReferenceDocument(),
  };
}
