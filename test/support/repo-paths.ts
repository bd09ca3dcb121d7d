/** Where the tests find the repository and the third-party fixtures it holds (test/fixtures/conformance/SOURCES.md). */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The OpenAI OpenAPI spec and the recorded OpenAI traffic, copied in with their provenance. */
export const CONFORMANCE = resolve(REPO_ROOT, "test/fixtures/conformance");
