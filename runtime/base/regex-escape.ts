/** `text` as a regex source that matches it literally (every syntax character escaped). */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}
