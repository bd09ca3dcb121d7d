/**
 * Declared secrets: the environment variables a deployment must provide. When a
 * policy declares any, every `env:NAME` reference must be declared, and a declared
 * secret nothing refers to is reported as dead config.
 */
import { z } from "zod";

export const SecretDeclaration = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a secret name is an environment variable name such as `OPENAI_API_KEY`")
      .max(128)
      .describe("The environment variable, referred to as `env:NAME`."),
    description: z.string().max(512).optional().describe("What it is and who issues it; never the value."),
  })
  .describe("An environment variable holding a secret.");

export type SecretDeclaration = z.infer<typeof SecretDeclaration>;
