/** TG5xxx: operations settings (shutdown, admin, metrics, audit). Rows of the diagnostics table (see ../codes.ts). */
import type { CodeDefinition } from "../code-definition.js";

export const operationsCodes = {
  "audit-file-needs-path": {
    code: "TG5001",
    severity: "error",
    message: "the audit sink is `file` but no `path` is given",
    help: "add `path: /var/log/tollgate/audit.jsonl`, or use `sink: stdout`",
  },
} as const satisfies Record<string, CodeDefinition>;
