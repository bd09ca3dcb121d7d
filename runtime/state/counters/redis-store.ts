/**
 * The shared counter store: the same counters as the in-process store, in Redis, for
 * quotas with `consistency: shared`. Admission is a Lua script that reads every
 * counter of a request and reserves on all of them or none, atomically, so two
 * replicas can never both take the last tokens (the read-then-write race peers ship).
 *
 * Admissions are batched: those that arrive in the same turn of the event loop go to
 * Redis as one script call (each still all-or-nothing, in arrival order), so a burst
 * of thousands of admissions is a few round trips, not thousands of commands queued
 * behind one another. Each admission has its own deadline (`stores.redis.timeout`,
 * see shared-redis.ts); one that passes it fails as its quota declares, and if Redis
 * then admits it after all, its reservation is given back. Settling is batched the
 * same way. Fixed-window keys carry their window start and expire shortly after the
 * window ends; bucket keys expire once they would be full again.
 *
 * Keys share the hash tag `{<prefix>}` so that every script touches one Redis Cluster
 * slot: `{<prefix>}:q:<counter key>:<window start>` (fixed) and
 * `{<prefix>}:qb:<counter key>` (bucket).
 */
import type { SharedRedis } from "../shared-redis.js";
import { StoreUnavailable, type AdmitOutcome, type CounterSpec, type CounterStore } from "./counter-spec.js";

/** Expiry slack after a window ends, so late settles still find their key. */
const EXPIRY_SLACK_MS = 10 * 60_000;

/** Most admissions in one script call. */
const MAX_BATCH = 256;

// ARGV: now, count, then per admission: its counter count n, then per counter: bucket (0/1),
// capacity, rate per ms, amount, expire-at ms. KEYS: every admission's counters, in order.
// Returns per admission: the refused counter (1-based, -1: admitted), then each counter's availability.
const ADMIT = `
local now = tonumber(ARGV[1])
local out = {}
local a = 3
local k = 0
for r = 1, tonumber(ARGV[2]) do
  local n = tonumber(ARGV[a])
  local avail = {}
  local stamp = {}
  local refused = -1
  for i = 1, n do
    local o = a + 1 + (i - 1) * 5
    local key = KEYS[k + i]
    local cap = tonumber(ARGV[o + 1])
    local v
    stamp[i] = now
    if ARGV[o] == '1' then
      local h = redis.call('HMGET', key, 'l', 't')
      if h[1] then
        v = math.min(cap, tonumber(h[1]) + math.max(0, now - tonumber(h[2])) * tonumber(ARGV[o + 2]))
        -- A bucket's time never goes back: a replica whose clock is behind refills nothing, and cannot make one ahead refill the same time twice.
        stamp[i] = math.max(now, tonumber(h[2]))
      else
        v = cap
      end
    else
      v = cap - tonumber(redis.call('GET', key) or '0')
    end
    avail[i] = v
    local amt = tonumber(ARGV[o + 3])
    if refused < 0 and (amt > v or (amt == 0 and v <= 0)) then refused = i end
  end
  if refused < 0 then
    for i = 1, n do
      local o = a + 1 + (i - 1) * 5
      local key = KEYS[k + i]
      local amt = tonumber(ARGV[o + 3])
      if ARGV[o] == '1' then
        redis.call('HSET', key, 'l', tostring(avail[i] - amt), 't', tostring(stamp[i]))
      elseif amt ~= 0 then
        redis.call('INCRBYFLOAT', key, ARGV[o + 3])
      end
      redis.call('PEXPIREAT', key, ARGV[o + 4])
    end
  end
  out[#out + 1] = tostring(refused)
  for i = 1, n do out[#out + 1] = tostring(avail[i]) end
  a = a + 1 + n * 5
  k = k + n
end
return out
`;

// KEYS: per counter, the admission key then the current key. ARGV: now, then per counter:
// bucket (0/1), capacity, rate per ms, amount, expire-at of the current key.
const SETTLE = `
local now = tonumber(ARGV[1])
for i = 1, #KEYS / 2 do
  local key = KEYS[2 * i - 1]
  local current = KEYS[2 * i]
  local o = 1 + (i - 1) * 5
  local amt = tonumber(ARGV[o + 4])
  if ARGV[o + 1] == '1' then
    local cap = tonumber(ARGV[o + 2])
    local v = redis.call('HMGET', key, 'l', 't')
    local level = cap
    local stamp = now
    if v[1] then
      level = math.min(cap, tonumber(v[1]) + math.max(0, now - tonumber(v[2])) * tonumber(ARGV[o + 3]))
      stamp = math.max(now, tonumber(v[2]))
    end
    redis.call('HSET', key, 'l', tostring(math.min(cap, level - amt)), 't', tostring(stamp))
    redis.call('PEXPIREAT', key, ARGV[o + 5])
  elseif key == current and redis.call('EXISTS', key) == 1 then
    -- Still the admission's window: refund or charge it.
    local v = tonumber(redis.call('INCRBYFLOAT', key, ARGV[o + 4]))
    if v < 0 then redis.call('SET', key, '0', 'KEEPTTL') end
  elseif amt > 0 then
    -- The admission's window has ended (or Redis lost it): extra usage goes to the current window; refunds are dropped.
    redis.call('INCRBYFLOAT', current, ARGV[o + 4])
    redis.call('PEXPIREAT', current, ARGV[o + 5])
  end
end
return 1
`;

interface PendingAdmission {
  readonly now: number;
  readonly specs: readonly CounterSpec[];
  readonly resolve: (outcome: AdmitOutcome) => void;
  readonly reject: (err: StoreUnavailable) => void;
  /** Set when the deadline passed first: a late admission is given back. */
  late: boolean;
}

interface PendingSettle {
  readonly now: number;
  readonly specs: readonly CounterSpec[];
  readonly done: (err: StoreUnavailable | null) => void;
}

export class RedisCounterStore implements CounterStore {
  readonly name = "redis";
  readonly redis: SharedRedis;
  #admissions: PendingAdmission[] = [];
  #settles: PendingSettle[] = [];
  #scheduled = false;

  constructor(redis: SharedRedis) {
    this.redis = redis;
  }

  #key(spec: CounterSpec, window: number): string {
    const tag = `{${this.redis.prefix}}`;
    return spec.bucket ? `${tag}:qb:${spec.key}` : `${tag}:q:${spec.key}:${window}`;
  }

  admit(now: number, specs: readonly CounterSpec[]): Promise<AdmitOutcome> {
    if (!this.redis.up) return Promise.reject(new StoreUnavailable(`${this.redis.label} is down: ${this.redis.lastError}`));
    return new Promise<AdmitOutcome>((resolve, reject) => {
      this.#admissions.push({ now, specs, resolve, reject, late: false });
      this.#schedule();
    });
  }

  settle(now: number, specs: readonly CounterSpec[]): Promise<void> {
    const live = specs.filter((s) => s.amount !== 0);
    if (live.length === 0) return Promise.resolve();
    if (!this.redis.up) return Promise.reject(new StoreUnavailable(`${this.redis.label} is down: ${this.redis.lastError}`));
    return new Promise<void>((resolve, reject) => {
      this.#settles.push({ now, specs: live, done: (err) => (err === null ? resolve() : reject(err)) });
      this.#schedule();
    });
  }

  /** Sends what arrived in this turn of the event loop, after the loop has read its pending I/O. */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const admissions = this.#admissions;
      const settles = this.#settles;
      this.#admissions = [];
      this.#settles = [];
      for (let i = 0; i < admissions.length; i += MAX_BATCH) this.#sendAdmissions(admissions.slice(i, i + MAX_BATCH));
      for (let i = 0; i < settles.length; i += MAX_BATCH) this.#sendSettles(settles.slice(i, i + MAX_BATCH));
    });
  }

  #sendAdmissions(batch: PendingAdmission[]): void {
    const live = batch.filter((a) => !a.late);
    if (live.length === 0) return;
    const keys: string[] = [];
    const args: string[] = [String(Math.max(...live.map((a) => a.now))), String(live.length)];
    for (const a of live) {
      args.push(String(a.specs.length));
      for (const spec of a.specs) {
        keys.push(this.#key(spec, spec.window));
        args.push(spec.bucket ? "1" : "0", String(spec.capacity), String(spec.ratePerMs), String(spec.amount), String(expireAt(spec, a.now)));
      }
    }
    // The deadline runs from the moment the batch is sent: time spent waiting for this
    // process's own event loop is not the store's latency. When it passes, the answer gets
    // one more look after pending I/O is read (see withDeadline in shared-redis.ts).
    const deadline = this.redis.timeoutMs;
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          let missed = 0;
          for (const a of live) {
            if (a.late) continue;
            a.late = true;
            missed++;
            a.reject(new StoreUnavailable(`${this.redis.label}: no answer within the ${deadline} ms deadline`));
          }
          if (missed > 0) void this.redis.probe();
        }),
      deadline,
    );
    this.redis
      .script(ADMIT, keys, args, 60_000)
      .finally(() => clearTimeout(timer))
      .then(
        (reply) => {
          const values = (reply as string[]).map(Number);
          let at = 0;
          for (const a of live) {
            const refused = values[at]!;
            const available = values.slice(at + 1, at + 1 + a.specs.length);
            at += 1 + a.specs.length;
            if (a.late) {
              // Decided without Redis (failed open or closed): what Redis reserved after all goes back.
              if (refused < 0)
                void this.settle(
                  a.now,
                  a.specs.map((s) => ({ ...s, amount: -s.amount })),
                ).catch(() => undefined);
              continue;
            }
            a.late = true;
            a.resolve(outcome(a.now, a.specs, refused, available));
          }
        },
        (err: unknown) => {
          const failure = err instanceof StoreUnavailable ? err : new StoreUnavailable(err instanceof Error ? err.message : String(err));
          for (const a of live) {
            if (a.late) continue;
            a.late = true;
            a.reject(failure);
          }
        },
      );
  }

  #sendSettles(batch: PendingSettle[]): void {
    const keys: string[] = [];
    const args: string[] = [String(Math.max(...batch.map((s) => s.now)))];
    for (const s of batch) {
      for (const spec of s.specs) {
        const current = spec.nowWindow ?? spec.window;
        keys.push(this.#key(spec, spec.window), this.#key(spec, current));
        const end = spec.nowWindowEnd ?? spec.windowEnd;
        args.push(spec.bucket ? "1" : "0", String(spec.capacity), String(spec.ratePerMs), String(spec.amount), String(spec.bucket ? expireAt(spec, s.now) : end + EXPIRY_SLACK_MS));
      }
    }
    this.redis.script(SETTLE, keys, args, Math.max(this.redis.timeoutMs, 5000)).then(
      () => batch.forEach((s) => s.done(null)),
      (err: unknown) => {
        const failure = err instanceof StoreUnavailable ? err : new StoreUnavailable(err instanceof Error ? err.message : String(err));
        batch.forEach((s) => s.done(failure));
      },
    );
  }

  async read(_now: number, prefix: string): Promise<{ key: string; window: number; value: number }[]> {
    if (!this.redis.up) throw new StoreUnavailable(`${this.redis.label} is down: ${this.redis.lastError}`);
    const out: { key: string; window: number; value: number }[] = [];
    const tag = `{${this.redis.prefix}}`;
    for (const kind of ["q", "qb"] as const) {
      const head = `${tag}:${kind}:`;
      const keys: string[] = [];
      for await (const batch of this.redis.scan(`${escapeGlob(head)}${escapeGlob(prefix)}*`)) keys.push(...batch);
      for (const full of keys) {
        const rest = full.slice(head.length);
        if (kind === "q") {
          const cut = rest.lastIndexOf(":");
          const value = Number(await this.redis.send(full, ["GET", full], 5000));
          out.push({ key: rest.slice(0, cut), window: Number(rest.slice(cut + 1)), value });
        } else {
          const [l, t] = (await this.redis.send(full, ["HMGET", full, "l", "t"], 5000)) as [string | null, string | null];
          out.push({ key: rest, window: Number(t), value: Number(l) });
        }
      }
    }
    return out;
  }
}

/** An admission's outcome from the script's figures. */
function outcome(now: number, specs: readonly CounterSpec[], refusedLua: number, available: readonly number[]): AdmitOutcome {
  const refused = refusedLua < 0 ? -1 : refusedLua - 1;
  const remaining: number[] = [];
  const resetMs: number[] = [];
  specs.forEach((spec, i) => {
    const left = refused < 0 ? available[i]! - spec.amount : available[i]!;
    remaining.push(left);
    resetMs.push(spec.bucket ? (spec.capacity - left) / spec.ratePerMs : spec.windowEnd - now);
  });
  let retryMs = 0;
  if (refused >= 0) {
    const spec = specs[refused]!;
    retryMs = spec.bucket ? (spec.amount > spec.capacity ? spec.windowEnd - spec.window : (spec.amount - available[refused]!) / spec.ratePerMs) : spec.windowEnd - now;
  }
  return { refused, remaining, resetMs, retryMs };
}

/** When a key may go: a fixed window's end plus slack; a bucket once it would be full again. */
function expireAt(spec: CounterSpec, now: number): number {
  if (!spec.bucket) return spec.windowEnd + EXPIRY_SLACK_MS;
  return Math.ceil(now + spec.capacity / spec.ratePerMs + EXPIRY_SLACK_MS);
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}
