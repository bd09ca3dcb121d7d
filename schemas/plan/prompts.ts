/**
 * Plan form of templates and decorators (see schemas/policy/prompts.ts). Template text
 * is already split into segments by the compiler, so the runtime renders by
 * concatenation: no parsing and no expression evaluation per request.
 */
import { z } from "zod";

const role = z.enum(["system", "developer", "user", "assistant"]);

/** A typed template variable, defaults applied. */
export const PlanTemplateVariable = z.strictObject({
  name: z.string(),
  type: z.enum(["string", "integer", "number", "boolean", "enum"]),
  /** Whether the client must send it (false when it has a default or is optional). */
  required: z.boolean(),
  /** The text rendered when the client sends no value (the policy's default as text); absent for none. */
  default: z.string().optional(),
  /** Strings: most characters accepted. */
  maxLength: z.number().int().positive().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  /** Enums: the accepted values. */
  values: z.array(z.string()).optional(),
});

/** Text, or a variable (index into the template's `variables`) inserted as text. */
export const PlanTemplateSegment = z.union([z.string(), z.strictObject({ variable: z.number().int().min(0) })]);

export const PlanTemplate = z.strictObject({
  name: z.string(),
  variables: z.array(PlanTemplateVariable),
  messages: z.array(z.strictObject({ role, segments: z.array(PlanTemplateSegment) })).min(1),
});

/** A message a route adds to every request. */
export const PlanDecoratorMessage = z.strictObject({ role, content: z.string() });

/** A route's prompt program: decorators, and the templates it accepts. */
export const PlanRoutePrompts = z.strictObject({
  prepend: z.array(PlanDecoratorMessage),
  append: z.array(PlanDecoratorMessage),
  /** Indices into the plan's `templates` that requests on this route may use; absent: every template. */
  templates: z.array(z.number().int().min(0)).optional(),
});

export type PlanTemplate = z.infer<typeof PlanTemplate>;
export type PlanTemplateVariable = z.infer<typeof PlanTemplateVariable>;
export type PlanTemplateSegment = z.infer<typeof PlanTemplateSegment>;
export type PlanRoutePrompts = z.infer<typeof PlanRoutePrompts>;
export type PlanDecoratorMessage = z.infer<typeof PlanDecoratorMessage>;
