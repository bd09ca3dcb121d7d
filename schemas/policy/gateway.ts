/**
 * The root of a policy document. Several documents (files) merge into one gateway:
 * each list concatenates, and a name defined twice is an error.
 */
import { z } from "zod";
import { Consumer } from "./consumer.js";
import { Listener } from "./listener.js";
import { Model } from "./model.js";
import { Provider } from "./provider.js";
import { Route } from "./route.js";

export const GatewayPolicy = z
  .strictObject({
    apiVersion: z.literal("tollgate/v1").describe("The policy language version."),
    listener: Listener.optional(),
    providers: z.array(Provider).optional(),
    models: z.array(Model).optional(),
    routes: z.array(Route).optional(),
    consumers: z.array(Consumer).optional(),
  })
  .describe("A Tollgate gateway policy.");

export type GatewayPolicy = z.infer<typeof GatewayPolicy>;
