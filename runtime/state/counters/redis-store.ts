/**
 * The shared counter store: the same counters as the in-process store, in Redis, for
 * quotas with `consistency: shared`. Admission is one Lua script (one round trip):
 * it reads every counter, and reserves on all of them or none, atomically, so two
 * replicas can never both take the last tokens (the read-then-write race peers ship).
 * Settling is a second script. Fixed-window keys carry their window start and expire
 * shortly after the window ends; bucket keys expire once they would be full again.
 *
 * Keys: `<prefix>:q:<counter key>:<window start>` (fixed) and `<prefix>:qb:<counter key>` (bucket).
 */
import type { RedisConnection } from "../redis-client.js";
import { StoreUnavailable, type AdmitOutcome, type CounterSpec, type CounterStore } from "./counter-spec.js";

/** Expiry slack after a window ends, so late settles still find their key. */
const EXPIRY_SLACK_MS = 10 * 60_000;

// ARGV: now, then per counter: bucket (0/1), capacity, rate per ms, amount, expire-at ms.
const ADMIT = `
local now = tonumber(ARGV[1])
local n = #KEYS
local avail = {}
local refused = -1
for i = 1, n do
  local o = 1 + (i - 1) * 5
  local cap = tonumber(ARGV[o + 2])
  local a
  if ARGV[o + 1] == '1' then
    local v = redis.call('HMGET', KEYS[i], 'l', 't')
    if v[1] then
      a = math.min(cap, tonumber(v[1]) + math.max(0, now - tonumber(v[2])) * tonumber(ARGV[o + 3]))
    else
      a = cap
    end
  else
    a = cap - tonumber(redis.call('GET', KEYS[i]) or '0')
  end
  avail[i] = a
  local amt = tonumber(ARGV[o + 4])
  if refused < 0 and (amt > a or (amt == 0 and a <= 0)) then refused = i end
end
if refused < 0 then
  for i = 1, n do
    local o = 1 + (i - 1) * 5
    local amt = tonumber(ARGV[o + 4])
    if ARGV[o + 1] == '1' then
      redis.call('HSET', KEYS[i], 'l', tostring(avail[i] - amt), 't', ARGV[1])
    elseif amt ~= 0 then
      redis.call('INCRBYFLOAT', KEYS[i], ARGV[o + 4])
    end
    redis.call('PEXPIREAT', KEYS[i], ARGV[o + 5])
  end
end
local out = { tostring(refused) }
for i = 1, n do out[i + 1] = tostring(avail[i]) end
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
    if v[1] then level = math.min(cap, tonumber(v[1]) + math.max(0, now - tonumber(v[2])) * tonumber(ARGV[o + 3])) end
    redis.call('HSET', key, 'l', tostring(math.min(cap, level - amt)), 't', ARGV[1])
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

export class RedisCounterStore implements CounterStore {
  readonly name = "redis";
  readonly #redis: RedisConnection;

  constructor(redis: RedisConnection) {
    this.#redis = redis;
  }

  #key(spec: CounterSpec, window: number): string {
    return spec.bucket ? `${this.#redis.prefix}:qb:${spec.key}` : `${this.#redis.prefix}:q:${spec.key}:${window}`;
  }

  async admit(now: number, specs: readonly CounterSpec[]): Promise<AdmitOutcome> {
    if (!this.#redis.up) throw new StoreUnavailable("redis is not connected");
    const keys: string[] = [];
    const args: string[] = [String(now)];
    for (const spec of specs) {
      keys.push(this.#key(spec, spec.window));
      args.push(spec.bucket ? "1" : "0", String(spec.capacity), String(spec.ratePerMs), String(spec.amount), String(expireAt(spec, now)));
    }
    let reply: unknown;
    try {
      reply = await this.#redis.runScript(ADMIT, keys, args);
    } catch (err) {
      throw new StoreUnavailable(err instanceof Error ? err.message : String(err));
    }
    const values = (reply as string[]).map(Number);
    const refused = values[0]! - 1; // Lua is 1-based; -1 stays below 0
    const remaining: number[] = [];
    const resetMs: number[] = [];
    specs.forEach((spec, i) => {
      const available = values[i + 1]!;
      const left = refused < 0 ? available - spec.amount : available;
      remaining.push(left);
      resetMs.push(spec.bucket ? (spec.capacity - left) / spec.ratePerMs : spec.windowEnd - now);
    });
    let retryMs = 0;
    if (refused >= 0) {
      const spec = specs[refused]!;
      retryMs = spec.bucket ? (spec.amount > spec.capacity ? spec.windowEnd - spec.window : (spec.amount - values[refused + 1]!) / spec.ratePerMs) : spec.windowEnd - now;
    }
    return { refused: values[0]! < 0 ? -1 : refused, remaining, resetMs, retryMs };
  }

  async settle(now: number, specs: readonly CounterSpec[]): Promise<void> {
    const live = specs.filter((s) => s.amount !== 0);
    if (live.length === 0) return;
    if (!this.#redis.up) throw new StoreUnavailable("redis is not connected");
    const keys: string[] = [];
    const args: string[] = [String(now)];
    for (const spec of live) {
      const current = spec.nowWindow ?? spec.window;
      keys.push(this.#key(spec, spec.window), this.#key(spec, current));
      const end = spec.nowWindowEnd ?? spec.windowEnd;
      args.push(spec.bucket ? "1" : "0", String(spec.capacity), String(spec.ratePerMs), String(spec.amount), String(spec.bucket ? expireAt(spec, now) : end + EXPIRY_SLACK_MS));
    }
    try {
      await this.#redis.runScript(SETTLE, keys, args);
    } catch (err) {
      throw new StoreUnavailable(err instanceof Error ? err.message : String(err));
    }
  }

  async read(_now: number, prefix: string): Promise<{ key: string; window: number; value: number }[]> {
    if (!this.#redis.up) throw new StoreUnavailable("redis is not connected");
    const client = this.#redis.client;
    const out: { key: string; window: number; value: number }[] = [];
    for (const kind of ["q", "qb"] as const) {
      const head = `${this.#redis.prefix}:${kind}:`;
      const keys: string[] = [];
      for await (const batch of client.scanIterator({ MATCH: `${head}${escapeGlob(prefix)}*`, COUNT: 500 })) keys.push(...(batch as string[]));
      for (const full of keys) {
        const rest = full.slice(head.length);
        if (kind === "q") {
          const cut = rest.lastIndexOf(":");
          const value = Number(await client.get(full));
          out.push({ key: rest.slice(0, cut), window: Number(rest.slice(cut + 1)), value });
        } else {
          const [l, t] = await client.hmGet(full, ["l", "t"]);
          out.push({ key: rest, window: Number(t), value: Number(l) });
        }
      }
    }
    return out;
  }
}

/** When a key may go: a fixed window's end plus slack; a bucket once it would be full again. */
function expireAt(spec: CounterSpec, now: number): number {
  if (!spec.bucket) return spec.windowEnd + EXPIRY_SLACK_MS;
  return Math.ceil(now + spec.capacity / spec.ratePerMs + EXPIRY_SLACK_MS);
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}
