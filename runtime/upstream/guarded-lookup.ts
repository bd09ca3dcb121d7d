/**
 * The DNS lookup of upstream connections, guarded: every address a host name resolves
 * to is classified (schemas/plan/address-class.ts) and the connection is refused when
 * any of them is one the upstream may not reach, so a public name that resolves to a
 * metadata service, a private or a loopback address (DNS rebinding, a poisoned record)
 * is never connected to. Origins written as IP literals are checked once, when the plan
 * is linked (net.connect does not look them up).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from "node:dns";
import { addressAllowed, classifyHost, classifyIp, type UpstreamNetwork } from "../../schemas/plan/address-class.js";

/** A resolver of all of a name's addresses: dns.lookup's shape, replaceable by a stub in tests. */
export type Resolver = (hostname: string, options: LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/** net.connect's `lookup` option (it may ask for one address or, with `all`, every one). */
export type ConnectLookup = (
  hostname: string,
  options: { family?: number | string; all?: boolean; hints?: number },
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/** The error of a refused address (a connect failure: the attempt falls back like any other). */
export function forbiddenAddressError(hostname: string, address: string, network: UpstreamNetwork): NodeJS.ErrnoException {
  const cls = classifyIp(address) ?? "unknown";
  const err = new Error(`${hostname} resolves to ${address} (${cls}), which this upstream may not reach (network: ${network})`) as NodeJS.ErrnoException;
  err.code = "ETOLLGATEFORBIDDEN";
  return err;
}

/** A lookup for net.connect that refuses names resolving to addresses `network` may not reach. */
export function guardedLookup(network: UpstreamNetwork, resolve: Resolver = dnsLookup as unknown as Resolver): ConnectLookup {
  return (hostname, options, callback) => {
    const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : Number(options.family ?? 0);
    resolve(hostname, { all: true, family, ...(options.hints === undefined ? {} : { hints: options.hints }) }, (err, addresses) => {
      if (err !== null) return callback(err, []);
      for (const a of addresses) {
        const cls = classifyIp(a.address) ?? "reserved";
        if (!addressAllowed(cls, network)) return callback(forbiddenAddressError(hostname, a.address, network), []);
      }
      if (addresses.length === 0) {
        const none = new Error(`${hostname} has no address`) as NodeJS.ErrnoException;
        none.code = "ENOTFOUND";
        return callback(none, []);
      }
      if (options.all === true) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** Why an origin written with an IP literal may not be reached, or null (names are checked when they resolve). */
export function literalOriginProblem(origin: string, network: UpstreamNetwork): string | null {
  const host = new URL(origin).hostname;
  const cls = classifyHost(host);
  if (cls === null || addressAllowed(cls, network)) return null;
  return `origin ${origin} is a ${cls} address, which this upstream may not reach (network: ${network})`;
}
