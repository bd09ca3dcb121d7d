/** TG67xx: state stores (the local state directory, Redis, PostgreSQL). Rows of the diagnostics table (see ../codes.ts). */
import type { CodeDefinition } from "../code-definition.js";

export const storeCodes = {
  "store-postgres-without-local": {
    code: "TG6701",
    severity: "error",
    message: "`stores.postgres` needs `stores.local` (its `dir` holds the spool that keeps records while PostgreSQL is unreachable)",
    help: "add `local:` under `stores`, with `dir:` naming a directory the gateway may write (one per gateway process)",
  },
  "duplicate-cost-tags": {
    code: "TG6702",
    severity: "error",
    message: "`costTags` is set in more than one document",
    help: "keep one `costTags` block for the whole gateway",
  },
  "cost-tag-metric-unknown": {
    code: "TG6703",
    severity: "warning",
    message: "`costTags.metrics` names tag `{tag}`, which no consumer, key or header rule sets: the metrics never carry it",
  },
  "cost-tag-header-twice": {
    code: "TG6704",
    severity: "error",
    message: "header `{header}` sets cost tags twice",
    help: "one rule per header",
  },
} as const satisfies Record<string, CodeDefinition>;
