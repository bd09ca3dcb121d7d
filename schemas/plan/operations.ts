/**
 * Plan form of the operational listener settings (see schemas/policy/operations.ts):
 * durations in ms, defaults applied, secrets still references.
 */
import { z } from "zod";

/** A secret reference, resolved by the runtime; never a value. Same form as in plan.ts. */
const SecretRef = z.string().regex(/^(env:[A-Za-z_][A-Za-z0-9_]*|file:\/.+)$/);

export const PlanShutdown = z.strictObject({
  /** After SIGTERM: ms the listener keeps accepting while /readyz answers 503. */
  graceMs: z.number().int().min(0),
  /** After the grace: ms in-flight requests get before they are ended with an error. */
  deadlineMs: z.number().int().min(0),
});

export const PlanAdmin = z.strictObject({
  /** Listen address of the admin listener. */
  host: z.string(),
  /** Listen port of the admin listener (0: any free port). */
  port: z.number().int().min(0).max(65535),
  /** Secret reference of the admin bearer token. */
  token: SecretRef,
});

export const PlanAudit = z.strictObject({
  sink: z.enum(["stdout", "file"]),
  /** The file appended to when `sink` is "file"; null for stdout. */
  path: z.string().nullable(),
  /** How request content appears in an audit line: not at all, or as a SHA-256 digest. */
  content: z.enum(["none", "hash"]),
});

export type PlanShutdown = z.infer<typeof PlanShutdown>;
export type PlanAdmin = z.infer<typeof PlanAdmin>;
export type PlanAudit = z.infer<typeof PlanAudit>;
