/**
 * The error classes a failed upstream attempt is sorted into, as the plan names them
 * (fallback conditions, retry and degraded-answer conditions). The runtime's
 * `ERROR_CLASSES` (runtime/adapters/error-class.ts) is the same list in the same
 * order; a test keeps the two equal, so renaming one is a plan format change.
 */
import { z } from "zod";

export const ERROR_CLASS_NAMES = [
  "rate_limited",
  "overloaded",
  "context_too_long",
  "content_filtered",
  "auth",
  "bad_request",
  "server",
  "timeout",
  "connect",
  "interrupted",
] as const;

export const ErrorClassName = z.enum(ERROR_CLASS_NAMES);
export type ErrorClassName = z.infer<typeof ErrorClassName>;

/**
 * The classes after which the next candidate in a model's attempt order is tried when
 * an entry does not say (`on:` omitted): transient and per-provider failures. A
 * request's own faults (`bad_request`), and `context_too_long` / `content_filtered`
 * (which only a differently chosen model helps with), move on only where a fallback
 * names them.
 */
export const DEFAULT_FALLBACK_ON: readonly ErrorClassName[] = ["rate_limited", "overloaded", "server", "timeout", "connect", "interrupted", "auth"];

/** The classes retried on the same target when `retry.on` does not say. */
export const DEFAULT_RETRY_ON: readonly ErrorClassName[] = ["rate_limited", "overloaded", "server", "timeout", "connect", "interrupted"];
