/** Shared primitives of the policy language. */
import { z } from "zod";

/** A name users refer to elsewhere in the policy: kebab/snake/dotted, no spaces. */
export const Name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:\-/]*$/, "a name uses letters, digits and . _ : - / and starts with a letter or digit")
  .max(128)
  .describe("A name referred to elsewhere in the policy.");

/** The form of a secret reference; analyses recognize secret fields by it. */
export const SECRET_REF_PATTERN = /^(env:[A-Za-z_][A-Za-z0-9_]*|file:\/.+)$/;

/**
 * A secret reference, never a value: `env:NAME` reads an environment variable,
 * `file:/path` a file, when the runtime links the plan.
 */
export const SecretRef = z
  .string()
  .regex(SECRET_REF_PATTERN, "a secret is a reference such as `env:OPENAI_API_KEY` or `file:/run/secrets/openai`, never the value itself")
  .describe("A secret reference: `env:NAME` or `file:/absolute/path`.");

/**
 * A duration: a string such as `500ms`, `30s`, `5m`. Numbers still parse here so that
 * the compiler can refuse each one with its fix (TG1032: `firstByte: 30` was 30 ms, rarely
 * what was meant); the generated JSON Schema refuses them outright.
 */
export const Duration = z
  .union([z.number().int().positive(), z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, "a duration looks like `500ms`, `30s`, `5m` or `1h`")])
  .describe("A duration with its unit: `500ms`, `30s`, `5m`, `1h`. A bare number is refused (TG1032).");

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

/**
 * Tags: labels on providers and consumers that constraints select on (`region: eu`,
 * `zdr: true`). Booleans and numbers are accepted for YAML's sake and compared as text.
 */
export const Tags = z
  .record(
    z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, "a tag name uses letters, digits and . _ - / and starts with a letter or digit")
      .max(64),
    z.union([z.string().max(128), z.boolean(), z.number()]),
  )
  .describe("Labels such as `region: eu` or `zdr: true`, matched by constraints.");

/** A price in US dollars per million tokens, input and output separately. */
export const Price = z
  .strictObject({
    input: z.number().nonnegative().finite().optional().describe("USD per 1M input (prompt) tokens. Default 0."),
    output: z.number().nonnegative().finite().optional().describe("USD per 1M output (completion) tokens. Default 0."),
    cachedInput: z.number().nonnegative().finite().optional().describe("USD per 1M input tokens read from the provider's prompt cache. Default: the input price."),
    audioMinute: z.number().nonnegative().finite().optional().describe("USD per minute of audio transcribed (`/v1/audio/transcriptions`, e.g. 0.006 for whisper-1). Default 0."),
    characters: z.number().nonnegative().finite().optional().describe("USD per 1M characters of text turned into speech (`/v1/audio/speech`, e.g. 15 for tts-1). Default 0."),
  })
  .refine((p) => Object.keys(p).length > 0, "give at least one price: `input`, `output`, `cachedInput`, `audioMinute` or `characters`")
  .describe("USD per million tokens (and, for audio models, per minute of audio or per million characters); overrides the built-in catalog (`schemas/catalog/prices.ts`).");

/** An HTTP header name (a token, RFC 9110); compared case-insensitively. */
export const HeaderName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "a header name is a token such as `x-team`: letters, digits and !#$%&'*+.^_|~- (no spaces)")
  .max(128)
  .describe("An HTTP header name; case does not matter.");

/** A regular expression in JavaScript syntax, compiled with the `u` flag; checked for catastrophic backtracking. */
export const Regex = z.string().min(1).max(1024).describe("A JavaScript regular expression (compiled with the `u` flag, unanchored unless it uses ^ and $).");

export type Tags = z.infer<typeof Tags>;
export type Price = z.infer<typeof Price>;
