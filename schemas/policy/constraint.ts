/**
 * Constraints: compliance rules proven on every path a request can take. "Consumers
 * with these tags reach only providers with those tags", through routes, targets,
 * fallbacks and model fallbacks alike.
 */
import { z } from "zod";
import { Name, Tags } from "./common.js";

export const Constraint = z
  .strictObject({
    name: Name.describe("The constraint's name, for diagnostics."),
    description: z.string().max(512).optional().describe("Why the rule exists."),
    consumers: z
      .strictObject({ tags: Tags.describe("Consumers carrying all of these tags are bound by the rule; `{}`: every consumer.") })
      .describe("Which consumers the rule binds."),
    providers: z
      .strictObject({ tags: Tags.describe("Every provider those consumers can reach must carry all of these tags.") })
      .describe("What every reachable provider must carry."),
  })
  .describe("A rule on which providers some consumers may reach, on any path.");

export type Constraint = z.infer<typeof Constraint>;
