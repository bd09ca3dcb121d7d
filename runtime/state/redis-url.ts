/**
 * How a Redis deployment is named in `stores.redis.url` (a secret: the password may be
 * in it, so errors never quote it):
 *
 * - `redis://[user:password@]host:port[/db]`, `rediss://…` (TLS): one server (or a
 *   Valkey server: the same protocol).
 * - `redis+cluster://[user:password@]host:port,host:port`, `rediss+cluster://…`: a
 *   Redis Cluster, discovered from any of the nodes given.
 * - `redis+sentinel://[user:password@]host:port,host:port/<master name>[/db]`,
 *   `rediss+sentinel://…`: the master Sentinel names, followed across failovers; the
 *   user and password are the data nodes' (Sentinels that need their own set
 *   `?sentinelPassword=`).
 */

export interface RedisNodeAddress {
  readonly host: string;
  readonly port: number;
}

export type RedisTopology =
  | { readonly mode: "standalone"; readonly url: string }
  | { readonly mode: "cluster"; readonly nodes: readonly RedisNodeAddress[]; readonly tls: boolean; readonly username?: string; readonly password?: string }
  | {
      readonly mode: "sentinel";
      readonly sentinels: readonly RedisNodeAddress[];
      readonly master: string;
      readonly tls: boolean;
      readonly db: number;
      readonly username?: string;
      readonly password?: string;
      readonly sentinelPassword?: string;
    };

/** Reads a Redis URL; throws an Error whose message never holds the URL's credentials. */
export function parseRedisUrl(url: string): RedisTopology {
  const scheme = /^([a-z+]+):\/\//.exec(url)?.[1];
  if (scheme === "redis" || scheme === "rediss") return { mode: "standalone", url };
  if (scheme !== "redis+cluster" && scheme !== "rediss+cluster" && scheme !== "redis+sentinel" && scheme !== "rediss+sentinel") {
    throw new Error(
      `stores.redis.url must start with redis://, rediss://, redis+cluster://, rediss+cluster://, redis+sentinel:// or rediss+sentinel:// (it starts with ${JSON.stringify((scheme ?? url.slice(0, 8)).slice(0, 20))})`,
    );
  }
  const tls = scheme.startsWith("rediss");
  const rest = url.slice(scheme.length + 3);
  const at = rest.lastIndexOf("@", rest.indexOf("/") < 0 ? rest.length : rest.indexOf("/"));
  const auth = at < 0 ? "" : rest.slice(0, at);
  const afterAuth = at < 0 ? rest : rest.slice(at + 1);
  const [location = "", query = ""] = afterAuth.split("?", 2);
  const slash = location.indexOf("/");
  const hostList = slash < 0 ? location : location.slice(0, slash);
  const path = slash < 0 ? "" : location.slice(slash + 1);
  const nodes = hostList.split(",").map(parseNode);
  if (nodes.length === 0 || nodes.some((n) => n === null)) throw new Error(`stores.redis.url: every node must be host:port (${scheme}://…)`);
  const credentials = parseAuth(auth);
  if (scheme.endsWith("cluster")) return { mode: "cluster", nodes: nodes as RedisNodeAddress[], tls, ...credentials };
  const [master = "", db = "0"] = path.split("/");
  if (master === "") throw new Error("stores.redis.url: a Sentinel URL names its master after the hosts: redis+sentinel://host:port,host:port/mymaster");
  const dbNumber = Number(db);
  if (!Number.isInteger(dbNumber) || dbNumber < 0) throw new Error("stores.redis.url: the database after the master name must be a number");
  const sentinelPassword = new URLSearchParams(query).get("sentinelPassword") ?? undefined;
  return {
    mode: "sentinel",
    sentinels: nodes as RedisNodeAddress[],
    master: decodeURIComponent(master),
    tls,
    db: dbNumber,
    ...credentials,
    ...(sentinelPassword === undefined ? {} : { sentinelPassword }),
  };
}

function parseNode(text: string): RedisNodeAddress | null {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text.trim());
  if (m === null) return null;
  const port = Number(m[2]);
  return port > 0 && port < 65536 ? { host: m[1]!.replace(/^\[|\]$/g, ""), port } : null;
}

function parseAuth(auth: string): { username?: string; password?: string } {
  if (auth === "") return {};
  const colon = auth.indexOf(":");
  if (colon < 0) return { username: decodeURIComponent(auth) };
  const username = decodeURIComponent(auth.slice(0, colon));
  const password = decodeURIComponent(auth.slice(colon + 1));
  return { ...(username === "" ? {} : { username }), password };
}
