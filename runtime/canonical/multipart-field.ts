/**
 * Finds (and replaces) one text field of a `multipart/form-data` body without parsing
 * the rest: the audio file part passes through as bytes. Used to route a transcription
 * by its `model` field and to rename the model for a target.
 */

/** The boundary of a `multipart/form-data` content-type, or null. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (contentType === undefined || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return m === null ? null : (m[1] ?? m[2] ?? null);
}

/** Where a field's value is: [start, end) in the body. */
export interface FieldSpan {
  readonly start: number;
  readonly end: number;
}

/** The span of the value of the first part named `name`, or null. */
export function findField(body: Buffer, boundary: string, name: string): FieldSpan | null {
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const headersStart = at + delimiter.length + 2;
    const headersEnd = body.indexOf("\r\n\r\n", headersStart);
    if (headersEnd === -1) return null;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headersEnd + 4);
    if (next === -1) return null;
    const headers = body.toString("latin1", headersStart, headersEnd);
    const disposition = /content-disposition:\s*form-data\s*;([^\r\n]*)/i.exec(headers);
    const partName = disposition === null ? null : /(?:^|;)\s*name="([^"]*)"/i.exec(disposition[1]!)?.[1];
    if (partName === name) return { start: headersEnd + 4, end: next };
    at = next + 2;
  }
  return null;
}

/** The body with the field's value replaced. */
export function replaceField(body: Buffer, span: FieldSpan, value: string): Buffer {
  return Buffer.concat([body.subarray(0, span.start), Buffer.from(value), body.subarray(span.end)]);
}
