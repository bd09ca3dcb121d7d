import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setQuietLogs } from "../../base/log.js";
import { RefreshingCredential, type Expiring } from "./refreshing.js";
import { heldSecrets } from "../../base/held-secrets.js";

const MIN = 60_000;

describe("RefreshingCredential", () => {
  beforeEach(() => {
    setQuietLogs(true);
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => vi.useRealTimers());

  /** A fetch answering tokens t1, t2, … valid for `life` ms, or failing while `fail` is set. */
  function source(life = 60 * MIN) {
    const state = { n: 0, fail: false };
    const fetch = vi.fn(async (): Promise<Expiring<string>> => {
      if (state.fail) throw new Error("token endpoint answered 503");
      state.n++;
      return { value: `t${state.n}`, expiresAt: Date.now() + life };
    });
    return { state, fetch, cred: new RefreshingCredential("test", fetch, () => Date.now()) };
  }

  it("fetches once up front, serves the value in hand, and refreshes 5 minutes before expiry without a request waiting", async () => {
    const { fetch, cred } = source();
    await cred.ready();
    expect(await cred.get()).toBe("t1");
    expect(await cred.get()).toBe("t1");
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(55 * MIN);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(cred.current()).toBe("t2");
    expect(await cred.get()).toBe("t2");
    cred.close();
  });

  it("a failed refresh is retried with backoff while the old value keeps serving", async () => {
    const { state, fetch, cred } = source();
    await cred.ready();
    state.fail = true;
    await vi.advanceTimersByTimeAsync(55 * MIN);
    expect(fetch).toHaveBeenCalledTimes(2);
    // Still valid: requests get it at once, without trying the failing endpoint.
    expect(await cred.get()).toBe("t1");
    await vi.advanceTimersByTimeAsync(1000 + 2000 + 4000);
    expect(fetch).toHaveBeenCalledTimes(5);
    state.fail = false;
    await vi.advanceTimersByTimeAsync(8000);
    expect(cred.current()).toBe("t2");
    cred.close();
  });

  it("inside the skew margin a request tries a refresh, and keeps the unexpired value when it fails", async () => {
    const { state, cred } = source();
    await cred.ready();
    cred.close();
    state.fail = true;
    vi.setSystemTime(Date.now() + 60 * MIN - 5000);
    expect(await cred.get()).toBe("t1");
  });

  it("once expired with every refresh failing, a request gets the failure; the next success serves again", async () => {
    const { state, fetch, cred } = source();
    await cred.ready();
    cred.close();
    state.fail = true;
    vi.setSystemTime(Date.now() + 61 * MIN);
    await expect(cred.get()).rejects.toThrow(/503/);
    state.fail = false;
    expect(await cred.get()).toBe("t2");
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it("concurrent requests share one fetch", async () => {
    const { fetch, cred } = source();
    await cred.ready();
    cred.close();
    vi.setSystemTime(Date.now() + 61 * MIN);
    const got = await Promise.all([cred.get(), cred.get(), cred.get()]);
    expect(got).toEqual(["t2", "t2", "t2"]);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("short-lived values refresh half-way through their life", async () => {
    const { fetch, cred } = source(4000);
    await cred.ready();
    await vi.advanceTimersByTimeAsync(2000);
    expect(fetch).toHaveBeenCalledTimes(2);
    cred.close();
  });
  it("hands every fetched token and credential part to the secret scrubber", async () => {
    const token = new RefreshingCredential("oauth", async () => ({ value: "ya29.fetched-oauth-token-0123456789", expiresAt: null }));
    await token.ready();
    const aws = new RefreshingCredential("aws", async () => ({
      value: { accessKeyId: "ASIAFETCHEDKEY000001", secretAccessKey: "fetched/secret+access+key+0123456789", sessionToken: "FwoGZXIvYXdzEfetched-session-token" },
      expiresAt: null,
    }));
    await aws.ready();
    const held = heldSecrets().values;
    for (const v of ["ya29.fetched-oauth-token-0123456789", "ASIAFETCHEDKEY000001", "fetched/secret+access+key+0123456789", "FwoGZXIvYXdzEfetched-session-token"])
      expect(held.has(v)).toBe(true);
    token.close();
    aws.close();
  });
});
