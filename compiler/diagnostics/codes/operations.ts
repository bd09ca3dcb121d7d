/** TG5xxx: operations settings (shutdown, admin, metrics, audit). Rows of the diagnostics table (see ../codes.ts). */
import type { CodeDefinition } from "../code-definition.js";

export const operationsCodes = {
  "audit-file-needs-path": {
    code: "TG5001",
    severity: "error",
    message: "the audit sink is `file` but no `path` is given",
    help: "add `path: /var/log/tollgate/audit.jsonl`, or use `sink: stdout`",
  },
  "alert-rule-condition": {
    code: "TG5002",
    severity: "error",
    message: "alert rule `{name}` has {count} conditions; a rule has exactly one",
    help: "give it one of `successRate.below` (a ratio), `p95Latency.above` (a duration) or `spendRate.above` (USD per hour); split several conditions into several rules",
  },
  "duplicate-alert-rule": {
    code: "TG5003",
    severity: "error",
    message: "alert rule `{name}` is defined twice; notifications and /admin/alerts tell rules apart by name",
    help: "rename one of them",
  },
  "upstream-tls-on-http": {
    code: "TG5004",
    severity: "error",
    message: "provider `{provider}` sets `tls`, but its baseUrl is plain http: the TLS settings would be ignored",
    help: "use an https:// baseUrl, or remove `tls`",
  },
  "bad-webhook": {
    code: "TG5005",
    severity: "error",
    message: "{what} must be an http(s) URL or a secret reference (`env:NAME`, `file:/path`)",
    help: "e.g. `webhook: env:ALERT_WEBHOOK_URL` (webhook URLs often carry a token: keep them out of the policy)",
    redact: true,
  },
} as const satisfies Record<string, CodeDefinition>;
