/** Shared primitives of the policy language. */
import { z } from "zod";

/** A name users refer to elsewhere in the policy: kebab/snake/dotted, no spaces. */
export const Name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:\-/]*$/, "a name uses letters, digits and . _ : - / and starts with a letter or digit")
  .max(128)
  .describe("A name referred to elsewhere in the policy.");

/**
 * A secret reference, never a value: `env:NAME` reads an environment variable,
 * `file:/path` a file, when the runtime links the plan.
 */
export const SecretRef = z
  .string()
  .regex(/^(env:[A-Za-z_][A-Za-z0-9_]*|file:\/.+)$/, "a secret is a reference such as `env:OPENAI_API_KEY` or `file:/run/secrets/openai`, never the value itself")
  .describe("A secret reference: `env:NAME` or `file:/absolute/path`.");

/** A duration: milliseconds as a number, or a string such as `500ms`, `30s`, `5m`. */
export const Duration = z
  .union([z.number().int().positive(), z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, "a duration looks like `500ms`, `30s`, `5m` or `1h`")])
  .describe("A duration: milliseconds as a number, or `500ms`, `30s`, `5m`, `1h`.");

/** A size: bytes as a number, or a string such as `512KiB`, `1MiB`, `10MB`. */
export const Size = z
  .union([z.number().int().positive(), z.string().regex(/^\d+(KiB|MiB|GiB|KB|MB|GB|B)$/, "a size looks like `512KiB`, `1MiB` or `10MB`")])
  .describe("A size: bytes as a number, or `512KiB`, `1MiB`, `10MB`.");

/** A model-name pattern: an exact name, or a glob where `*` matches any run of characters. */
export const ModelPattern = z
  .string()
  .min(1)
  .regex(/^[^\s]+$/, "a model pattern has no spaces")
  .describe("A model name, or a glob where `*` matches any characters and `?` one character.");
