/** Routes: first-match rules from a requested model name to a public model. */
import { z } from "zod";
import { ModelPattern, Name } from "./common.js";

export const Route = z
  .strictObject({
    name: Name.optional().describe("A name for logs and diagnostics."),
    match: z
      .strictObject({ model: ModelPattern.describe("The requested model name: exact, or a glob.") })
      .describe("What a request must look like to take this route."),
    model: Name.describe("The public model that serves requests matching this route."),
  })
  .describe("A first-match rule. Every model also has an implicit exact route after the explicit ones.");

export type Route = z.infer<typeof Route>;
