/** The outcome of converting one policy value: the value, or why it is invalid. */
export type ValueResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string; readonly suggestion?: string };

/** A successful conversion. */
export function ok<T>(value: T): ValueResult<T> {
  return { ok: true, value };
}

/** A failed conversion, with the reason (and maybe a fix) for the diagnostic. */
export function invalid<T>(reason: string, suggestion?: string): ValueResult<T> {
  return suggestion === undefined ? { ok: false, reason } : { ok: false, reason, suggestion };
}
