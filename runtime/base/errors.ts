/**
 * Gateway errors on their way to the client: made from a row of the error table
 * (error-table.ts) with `gatewayError(name, params)`, so every refusal has one wire
 * shape, `{"error":{"message","type","param","code"}}` with all four keys, and one
 * status per situation. Stages return them in their verdicts; only the pipeline sends.
 */
import { ERROR_TABLE, type ErrorName, type ErrorType } from "./error-table.js";

export { ERROR_TABLE, type ErrorDefinition, type ErrorName, type ErrorType } from "./error-table.js";

/** A gateway error, ready to send. */
export interface GatewayError {
  /** The table row it came from. */
  readonly name: ErrorName;
  /** The OpenAI `error.code`. */
  readonly code: string;
  readonly status: number;
  readonly type: ErrorType;
  readonly message: string;
  readonly param: string | null;
  /** Seconds, sent as `retry-after` (429/503). */
  readonly retryAfter?: number;
  /** The same wait to the millisecond, sent as `retry-after-ms` (what OpenAI's SDKs read first), when the provider gave it. */
  readonly retryAfterMs?: number;
}

/** The `{placeholder}` names of a template, as a union of string literals. */
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;

/** The parameters a row's message needs, checked at compile time. */
export type ErrorParams<K extends ErrorName> = { readonly [P in Placeholders<(typeof ERROR_TABLE)[K]["message"]>]: string | number };

/** What a call may set beyond the message: the field at fault, the retry hint, and (degraded answers only) the status. */
export interface ErrorOptions {
  readonly param?: string | null;
  readonly retryAfter?: number;
  readonly retryAfterMs?: number;
  readonly status?: number;
}

/** Longest client-sent value quoted in a message. */
const MAX_QUOTED = 200;

/** Makes the error of a row, its template filled with `params`. */
export function gatewayError<K extends ErrorName>(name: K, params: ErrorParams<K>, options: ErrorOptions = {}): GatewayError {
  const row = ERROR_TABLE[name];
  const values = params as Readonly<Record<string, string | number>>;
  const message = row.message.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = String(values[key] ?? "");
    return value.length > MAX_QUOTED && key !== "reason" && key !== "text" && key !== "finding" && key !== "detail" ? value.slice(0, MAX_QUOTED) : value;
  });
  const status = options.status ?? row.status ?? 500;
  const retryAfter = options.retryAfter ?? ("retryAfter" in row ? row.retryAfter : undefined);
  return {
    name,
    code: row.code,
    status,
    type: row.status === null ? typeForStatus(status) : row.type,
    message,
    param: options.param !== undefined ? options.param : "param" in row ? row.param : null,
    ...(retryAfter === undefined ? {} : { retryAfter }),
    ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
  };
}

/** The OpenAI error type a status implies, for rows whose status the plan decides. */
function typeForStatus(status: number): ErrorType {
  if (status === 429) return "rate_limit_error";
  return status >= 500 ? "server_error" : "invalid_request_error";
}

/** The OpenAI error object (the value of the "error" key). */
export function errorObject(err: GatewayError): { message: string; type: string; param: string | null; code: string } {
  return { message: err.message, type: err.type, param: err.param, code: err.code };
}

/** The JSON body of an error response. */
export function errorBody(err: GatewayError): string {
  return JSON.stringify({ error: errorObject(err) });
}
