/**
 * Cost-allocation tags a request may add by header, and which tags become metric
 * labels. Consumer and key tags come from `consumers` (consumer.ts).
 */
import { z } from "zod";
import { HeaderName } from "./common.js";

const TagName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, "a tag name uses letters, digits and . _ - / and starts with a letter or digit")
  .max(64);

export const CostTagHeader = z
  .strictObject({
    header: HeaderName.describe("The request header, e.g. `x-project`."),
    tag: TagName.describe("The tag it sets, e.g. `project`."),
    values: z
      .array(z.string().min(1).max(128))
      .min(1)
      .max(1000)
      .describe("The values accepted; a request with another value (or none) gets no such tag. Keeps the ledger's rows and metric labels bounded."),
  })
  .describe("A tag a request may set with a header, from a declared list of values.");

export const CostTags = z
  .strictObject({
    headers: z.array(CostTagHeader).optional().describe("Tags requests may add by header. A consumer's or key's own tag of the same name wins."),
    metrics: z
      .array(TagName)
      .optional()
      .describe(
        "Tags that also label `tollgate_tagged_cost_usd_total` and `tollgate_tagged_tokens_total` (by tag and value). Only tags with policy-bounded values: consumer, key and header tags.",
      ),
  })
  .describe(
    "Cost allocation: tags requests add by header, and tags as metric labels. Consumer and key tags label usage records, the ledger and the audit line without this block.",
  );

export type CostTags = z.infer<typeof CostTags>;
