import { defineGateway } from "tollgate";

// Type-checks (any), but the sandbox has no way out: the Function reached this way is
// the sandbox's own, and code generation from strings is off.
const escape = ({} as any).constructor.constructor("return process")();

export default defineGateway({ apiVersion: "tollgate/v1", providers: [{ name: "x", kind: "openai-compatible", baseUrl: escape.env.URL }] });
