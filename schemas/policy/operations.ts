/**
 * Operational listener settings: graceful shutdown, the admin listener, where
 * `/metrics` is served and the audit log. They live under `listener` because they
 * describe how the gateway serves, not what it routes.
 */
import { z } from "zod";
import { Duration, SecretRef } from "./common.js";

export const Shutdown = z
  .strictObject({
    grace: Duration.optional().describe(
      "After SIGTERM, how long the listener keeps accepting connections while /readyz already answers 503, so load balancers notice. Default 5s.",
    ),
    deadline: Duration.optional().describe(
      "After the grace, how long in-flight requests (streams included) get to finish before they are ended with an error. Default 30s.",
    ),
  })
  .describe("Graceful shutdown on SIGTERM.");

export const Admin = z
  .strictObject({
    host: z.string().min(1).optional().describe("Admin listen address. Default 127.0.0.1 (loopback only)."),
    port: z.number().int().min(0).max(65535).describe("Admin listen port (`tollgate serve --admin-port` overrides it)."),
    token: SecretRef.describe("The admin bearer token, as a secret reference; every admin request must send `Authorization: Bearer <token>`."),
  })
  .describe("The admin listener: a separate port for reload, plan info and metrics. Off unless set.");

export const Audit = z
  .strictObject({
    sink: z.enum(["stdout", "file"]).describe("Where audit lines go."),
    path: z.string().min(1).optional().describe("The file audit lines are appended to (required when sink is `file`)."),
    content: z.enum(["none", "hash"]).optional().describe("Request content in the audit line: `none`, or its SHA-256 `hash`. Default none."),
  })
  .describe("The audit log: one JSON line per finished API request. Off unless set.");
