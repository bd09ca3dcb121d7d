/** TG60xx: provider kinds, per-kind settings and protocol options. Rows of the diagnostics table (see ../codes.ts). */
import type { CodeDefinition } from "../code-definition.js";

export const providerCodes = {
  "provider-settings-kind": {
    code: "TG6001",
    severity: "error",
    message: "`{block}` settings do not apply to provider `{provider}` of kind `{kind}`; they are for {kinds}",
    help: "remove the `{block}` block, or change `kind`",
  },
  "provider-needs-base-url": {
    code: "TG6002",
    severity: "error",
    message: "provider `{provider}` of kind `{kind}` needs a `baseUrl`: {why}",
  },
  "provider-needs-settings": {
    code: "TG6003",
    severity: "error",
    message: "provider `{provider}` of kind `{kind}` needs a `{block}` block with {fields}",
    help: "for example `{example}`",
  },
  "provider-keys-unused": {
    code: "TG6004",
    severity: "error",
    message: "provider `{provider}` of kind `{kind}` does not use `apiKeys`: {how}",
    help: "remove `apiKeys` and put the credentials in the `{block}` block",
  },
  "provider-without-key": {
    code: "TG6005",
    severity: "warning",
    message: "provider `{provider}` of kind `{kind}` has no `apiKeys`, so {host} will refuse its requests",
    help: "add `apiKeys: [env:NAME]` (and declare the secret), or point `baseUrl` at a server that needs no key",
  },
  "bad-azure-api-version": {
    code: "TG6006",
    severity: "error",
    message: "`azure.apiVersion` of provider `{provider}` is `{value}`, not a dated API version such as `2024-10-21` (or `2025-04-01-preview`) or `v1`",
  },
  "bad-bedrock-region": {
    code: "TG6007",
    severity: "error",
    message: "`bedrock.region` of provider `{provider}` is `{value}`, not an AWS region such as `us-east-1`",
  },
  "compat-core-param": {
    code: "TG6008",
    severity: "error",
    message: "`compat.{field}` of provider `{provider}` names `{param}`, which the gateway needs to route and relay the request",
    help: "only optional request parameters can be renamed or dropped",
  },
  "compat-rename-and-drop": {
    code: "TG6009",
    severity: "warning",
    message: "`compat` of provider `{provider}` both renames and drops `{param}`; it is dropped",
  },
} as const satisfies Record<string, CodeDefinition>;
