/**
 * A credential that expires (cloud tokens, temporary AWS keys), kept fresh ahead of time
 * so no request waits for, or fails on, a refresh: the value is fetched once when the
 * plan is linked, refreshed in the background before it expires (5 minutes before, or
 * half-way for short-lived values), and a refresh that fails is retried with backoff
 * while the value in hand is still valid. A request waits for a fetch only when there
 * is no valid value at all (the first one failed, or every refresh until expiry).
 *
 * The fetch itself is the cloud's own library (the AWS SDK's credential providers,
 * Google's auth library, Azure's identity library): this only decides when to call it.
 */
import { log } from "../../base/log.js";
import { holdSecret } from "../../base/held-secrets.js";

/** A fetched value and when it stops being valid (ms since the epoch; null: never). */
export interface Expiring<T> {
  readonly value: T;
  readonly expiresAt: number | null;
}

/** What adapters read: the last good value at once, or a valid one (fetching only when none is). */
export interface CredentialSource<T> {
  /** The last value fetched (null before the first), even if it has expired: for callers that cannot wait. */
  current(): T | null;
  /** A value valid now; rejects when none could be had. */
  get(): Promise<T>;
  /** Resolves once the first fetch ended (successful or not). */
  ready(): Promise<void>;
  /** Stops the refresh timers (the plan is retired). */
  close(): void;
}

/** How long before expiry a value is refreshed in the background, at most. */
const REFRESH_AHEAD_MS = 5 * 60_000;
/** A value this close to expiry is not handed out (clock skew, the request's own duration): 10 s, or a tenth of a short lifetime. */
const SKEW_MS = 10_000;
/** Backoff of failed refreshes: doubling from this, capped below. */
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 60_000;

export class RefreshingCredential<T> implements CredentialSource<T> {
  readonly #fetch: () => Promise<Expiring<T>>;
  readonly #name: string;
  readonly #now: () => number;
  #value: Expiring<T> | null = null;
  /** When #value was fetched (its lifetime scales the skew margin). */
  #fetchedAt = 0;
  #inflight: Promise<Expiring<T>> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #failures = 0;
  #closed = false;
  readonly #first: Promise<void>;
  /** Fetches made (tests and the dashboard read it). */
  fetches = 0;

  constructor(name: string, fetch: () => Promise<Expiring<T>>, now: () => number = Date.now) {
    this.#name = name;
    this.#fetch = fetch;
    this.#now = now;
    this.#first = this.#refresh().then(
      () => undefined,
      () => undefined,
    );
  }

  current(): T | null {
    return this.#value?.value ?? null;
  }

  ready(): Promise<void> {
    return this.#first;
  }

  async get(): Promise<T> {
    const held = this.#value;
    if (held !== null && this.#valid(held, this.#skew(held))) return held.value;
    try {
      return (await this.#refresh()).value;
    } catch (err) {
      // Past the skew margin but not yet expired: the old value still works.
      if (held !== null && this.#valid(held, 0)) return held.value;
      throw err;
    }
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #skew(v: Expiring<T>): number {
    return v.expiresAt === null ? 0 : Math.min(SKEW_MS, Math.max(0, v.expiresAt - this.#fetchedAt) / 10);
  }

  #valid(v: Expiring<T>, marginMs: number): boolean {
    return v.expiresAt === null || this.#now() < v.expiresAt - marginMs;
  }

  /** One fetch at a time; every caller in the meantime waits for the same one. */
  #refresh(): Promise<Expiring<T>> {
    this.#inflight ??= (async () => {
      this.fetches++;
      try {
        const v = await this.#fetch();
        holdFetched(v.value);
        this.#value = v;
        this.#fetchedAt = this.#now();
        this.#failures = 0;
        this.#schedule(v);
        return v;
      } catch (err) {
        this.#failures++;
        const message = err instanceof Error ? err.message : String(err);
        log("warn", `${this.#name}: credentials could not be refreshed`, { error: message.slice(0, 300), failures: this.#failures });
        this.#retry();
        throw err instanceof Error ? err : new Error(message);
      } finally {
        this.#inflight = null;
      }
    })();
    return this.#inflight;
  }

  /** The next background refresh: ahead of expiry (never for a value that does not expire). */
  #schedule(v: Expiring<T>): void {
    if (this.#closed || v.expiresAt === null) return;
    const now = this.#now();
    const lifetime = Math.max(0, v.expiresAt - now);
    const ahead = Math.min(REFRESH_AHEAD_MS, lifetime / 2);
    this.#arm(Math.max(0, v.expiresAt - ahead - now));
  }

  /** After a failure: try again with backoff, while there is a value worth keeping fresh (or none at all). */
  #retry(): void {
    if (this.#closed) return;
    const held = this.#value;
    if (held !== null && !this.#valid(held, 0)) return this.#arm(RETRY_MAX_MS);
    this.#arm(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.#failures - 1)));
  }

  #arm(delayMs: number): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#refresh().catch(() => undefined);
    }, delayMs);
    this.#timer.unref();
  }
}

/** A source whose value never changes (static keys), or is re-read by its own means (a `file:` token). */
export function fixedSource<T>(read: () => T): CredentialSource<T> {
  return {
    current: read,
    get: () => Promise.resolve(read()),
    ready: () => Promise.resolve(),
    close: () => undefined,
  };
}

/** Every fetched token or credential is held for the secret scrubber, as resolved secrets are (scrub-secrets.ts). */
function holdFetched(value: unknown): void {
  if (typeof value === "string") holdSecret(value);
  else if (value !== null && typeof value === "object") for (const part of Object.values(value)) if (typeof part === "string") holdSecret(part);
}
