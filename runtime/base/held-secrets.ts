/**
 * Every secret value this process holds (provider keys, AWS credentials, OAuth tokens,
 * the admin token, exporter headers, webhook URLs, cache and state keys), recorded when
 * it is resolved (secrets.ts) or re-read (a refreshed `file:` credential), so that the
 * scrubber (scrub-secrets.ts) can keep every one of them, and its usual truncations and
 * masks, out of whatever reaches a client. Values stay in this process's memory only;
 * they are never logged, counted by value or exported.
 *
 * A URL-shaped value is not held whole (a Redis URL without a password is no secret, and
 * scrubbing `redis://127.0.0.1` from answers would only mangle them): its password, and
 * path segments or query values long enough to be tokens (webhook URLs carry theirs in
 * the path), are held instead.
 */

/** Shorter values are not scrubbed: too many ordinary words would match them. */
export const MIN_SECRET_LENGTH = 8;

const held = new Set<string>();
let version = 0;

/** Records a secret value (and, for a URL, the parts of it that are secret). */
export function holdSecret(value: string): void {
  for (const part of secretParts(value.trim())) {
    if (part.length < MIN_SECRET_LENGTH || held.has(part)) continue;
    held.add(part);
    version++;
  }
}

/** The held values, and a version that changes whenever one is added (for caches built from them). */
export function heldSecrets(): { readonly values: ReadonlySet<string>; readonly version: number } {
  return { values: held, version };
}

/** Forgets every held value (tests only: a process never forgets a secret it once held). */
export function forgetHeldSecrets(): void {
  held.clear();
  version++;
}

/** Path segments and query values at least this long count as tokens inside a URL. */
const URL_TOKEN_LENGTH = 16;

function secretParts(value: string): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return [value];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [value];
  }
  const parts: string[] = [];
  if (url.password !== "") parts.push(decodeURIComponent(url.password));
  for (const segment of url.pathname.split("/")) if (segment.length >= URL_TOKEN_LENGTH) parts.push(segment);
  for (const v of url.searchParams.values()) if (v.length >= URL_TOKEN_LENGTH) parts.push(v);
  return parts;
}
