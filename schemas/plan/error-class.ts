/**
 * The error classes a failed upstream attempt is sorted into, as the plan's zod schemas
 * name them (fallback conditions, retry and degraded-answer conditions). The list and
 * its defaults are plan constants (constants.ts), shared with the runtime.
 */
import { z } from "zod";
import { ERROR_CLASSES } from "./constants.js";

export const ErrorClassName = z.enum(ERROR_CLASSES);
export type ErrorClassName = z.infer<typeof ErrorClassName>;
