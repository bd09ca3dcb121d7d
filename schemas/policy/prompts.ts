/**
 * Prompt engineering: named templates with typed variables (gateway-wide), and the
 * per-route `prompts` block (decorators that prepend or append messages, and which
 * templates the route accepts).
 */
import { z } from "zod";
import { Name } from "./common.js";

/** The roles a template or decorator message may have. */
export const PromptRole = z.enum(["system", "developer", "user", "assistant"]).describe("The message role.");

/** A variable name as written inside `{{ }}`. */
export const VariableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a variable name uses letters, digits and _ and starts with a letter or _")
  .max(64);

export const TemplateVariable = z
  .strictObject({
    type: z.enum(["string", "integer", "number", "boolean", "enum"]).describe("The JSON type the client must send."),
    required: z.boolean().optional().describe("Whether the client must send it. Default: true unless `default` is given."),
    default: z.union([z.string(), z.number(), z.boolean()]).optional().describe("The value used when the client sends none."),
    maxLength: z.number().int().positive().max(1_000_000).optional().describe("Longest string accepted (characters). Default 100000 for strings."),
    min: z.number().finite().optional().describe("Smallest number accepted."),
    max: z.number().finite().optional().describe("Largest number accepted."),
    values: z.array(z.string().max(256)).min(1).max(256).optional().describe("The accepted values of an `enum` variable."),
  })
  .describe("A typed template variable.");

export const TemplateMessage = z
  .strictObject({
    role: PromptRole,
    content: z.string().max(1_000_000).describe("Message text; `{{name}}` inserts a declared variable, `\\{{` writes a literal `{{`."),
  })
  .describe("One message of a template.");

export const Template = z
  .strictObject({
    name: Name.describe("What clients send as `template` (or in the `x-tollgate-template` header)."),
    variables: z.record(z.string(), TemplateVariable).optional().describe("The variables the messages use, by name."),
    messages: z.array(TemplateMessage).min(1).max(64).describe("The messages the template renders to, placed before the client's own messages."),
  })
  .describe("A named prompt template with typed variables.");

export const DecoratorMessage = z
  .strictObject({ role: PromptRole, content: z.string().min(1).max(1_000_000).describe("The message text, sent as written.") })
  .describe("A message a route adds to every request.");

export const RoutePrompts = z
  .strictObject({
    prepend: z.array(DecoratorMessage).max(16).optional().describe("Messages put before the request's messages (e.g. a company system prompt)."),
    append: z.array(DecoratorMessage).max(16).optional().describe("Messages put after the request's messages."),
    templates: z.array(Name).optional().describe("The templates requests on this route may use. Default: every template."),
  })
  .describe("Decorators and templates of a route.");

export type Template = z.infer<typeof Template>;
export type TemplateVariable = z.infer<typeof TemplateVariable>;
export type RoutePrompts = z.infer<typeof RoutePrompts>;
