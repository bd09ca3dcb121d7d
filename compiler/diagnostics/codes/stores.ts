/** TG65xx: state stores (the local state directory, Redis, PostgreSQL). Rows of the diagnostics table (see ../codes.ts). */
import type { CodeDefinition } from "../code-definition.js";

export const storeCodes = {
  "store-postgres-without-local": {
    code: "TG6501",
    severity: "error",
    message: "`stores.postgres` needs `stores.local` (its `dir` holds the spool that keeps records while PostgreSQL is unreachable)",
    help: "add `local:` under `stores`, with `dir:` naming a directory the gateway may write (one per gateway process)",
  },
} as const satisfies Record<string, CodeDefinition>;
