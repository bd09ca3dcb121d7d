/** Where the read-only shared material lives: `../shared` beside the repository. */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const SHARED = resolve(REPO_ROOT, "../shared");
export const CONFORMANCE = resolve(SHARED, "conformance");
