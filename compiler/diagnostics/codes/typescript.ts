/** TG11xx: loading TypeScript policies (type-check, hermetic evaluation). Rows of the diagnostics table (see ../codes.ts). */
import type { CodeDefinition } from "../code-definition.js";

export const typescriptCodes = {
  // TG11xx: TypeScript policies (type check, hermetic evaluation).
  "ts-diagnostic": { code: "TG1101", severity: "error", message: "TS{tsCode}: {detail}" },
  "ts-forbidden-import": {
    code: "TG1102",
    severity: "error",
    message: "a policy module may import only `tollgate` and other policy files, not {specifier}",
    help: "policies are evaluated without file system, network, process or timers; a secret is an `env:NAME` reference, resolved by the runtime",
  },
  "ts-unresolved-import": {
    code: "TG1103",
    severity: "error",
    message: "`{specifier}` is not a policy file given to the compiler",
    help: "a relative import must name a `.ts` policy file (not `.d.ts` or `.test.ts`) that is compiled with this one",
  },
  "ts-host-global": {
    code: "TG1104",
    severity: "error",
    message: "`{name}` does not exist in a policy module",
    help: "policies are evaluated without process, file system, network, timers or console, so that the same policy always compiles to the same plan; a secret is an `env:NAME` reference, resolved by the runtime",
  },
  "ts-threw": { code: "TG1105", severity: "error", message: "evaluating the policy module threw {detail}" },
  "ts-timeout": {
    code: "TG1106",
    severity: "error",
    message: "evaluating the policy module took longer than {ms} ms and was stopped",
    help: "a policy module must finish promptly: look for an endless loop",
  },
  "ts-not-data": {
    code: "TG1107",
    severity: "error",
    message: "{what} is {found}; a policy holds only objects, arrays, strings, finite numbers, booleans and null",
  },
  "ts-too-large": { code: "TG1108", severity: "error", message: "the policy exported by this module is larger than {limit} bytes as JSON" },
} as const satisfies Record<string, CodeDefinition>;
