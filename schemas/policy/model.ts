/** Models: the public names clients send, mapped to weighted targets and fallbacks. */
import { z } from "zod";
import { Name } from "./common.js";

export const Target = z
  .strictObject({
    provider: Name.describe("The provider that serves this target."),
    model: z.string().min(1).optional().describe("The model name sent upstream. Default: the public model name."),
    weight: z.number().nonnegative().optional().describe("Share of traffic relative to the other targets. Default 1."),
  })
  .describe("A provider and the upstream model name it serves.");

export const Fallback = z
  .strictObject({
    provider: Name.describe("The provider to fall back to."),
    model: z.string().min(1).optional().describe("The model name sent upstream. Default: the public model name."),
  })
  .describe("A target tried, in order, when the chosen target fails before the response starts.");

export const Model = z
  .strictObject({
    name: Name.describe("The public model name clients send."),
    targets: z.array(Target).min(1).describe("Targets chosen by weight."),
    fallbacks: z.array(Fallback).optional().describe("Tried in order after the targets, on connect errors, timeouts, 429 and 5xx."),
  })
  .describe("A public model name and where its traffic goes.");

export type Model = z.infer<typeof Model>;
