/** TG4xxx: policy tests. Rows of the diagnostics table (see ../codes.ts). */
import type { CodeDefinition } from "../code-definition.js";

export const policyTestCodes = {
  "test-failed": { code: "TG4001", severity: "error", message: "test `{test}` failed: {reason}" },
  "test-file-content": {
    code: "TG4002",
    severity: "error",
    message: "a `*.policy-test.yaml` file holds only `tests`, not `{field}`",
    help: "move `{field}` to a policy file; test files are compiled with the policy but only add tests",
  },
  "test-duplicate-name": { code: "TG4003", severity: "error", message: "test `{test}` is defined more than once" },
  "test-key-and-consumer": {
    code: "TG4004",
    severity: "error",
    message: "test `{test}` gives both `consumer` and `key`",
    help: "give one: `consumer` sends one of its keys, `key` sends a key by its digest",
  },
  "test-expects-nothing": {
    code: "TG4005",
    severity: "error",
    message: "test `{test}` expects nothing",
    help: "add `route`, `model`, `target` or `reject` under `expect`",
  },
  "test-reject-and-route": {
    code: "TG4006",
    severity: "error",
    message: "test `{test}` expects a rejection and also a {field}; a rejected request has none",
  },
} as const satisfies Record<string, CodeDefinition>;
