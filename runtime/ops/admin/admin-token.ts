/**
 * The admin bearer token check. Both sides are hashed to SHA-256 first so that
 * `timingSafeEqual` always compares 32 equal-length buffers: the comparison time
 * reveals neither the token nor its length.
 */
import { createHash, timingSafeEqual } from "node:crypto";

export class AdminToken {
  readonly #digest: Buffer;

  constructor(token: string) {
    this.#digest = digest(token);
  }

  /** True when `authorization` is `Bearer <the token>`. */
  accepts(authorization: string | undefined): boolean {
    if (authorization === undefined || !authorization.startsWith("Bearer ")) return false;
    return timingSafeEqual(digest(authorization.slice(7)), this.#digest);
  }
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}
