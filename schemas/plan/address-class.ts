/**
 * Where an upstream address points, and whether an upstream may connect there. Shared
 * by the compiler (the hosts written in `baseUrl`s and pool endpoints) and the runtime
 * (every address a host name resolves to, at connect time), so a name that resolves
 * somewhere forbidden is refused exactly as the literal address would be.
 *
 * Never allowed: link-local addresses and the cloud metadata services (AWS, GCP, Azure,
 * ECS, Alibaba: 169.254.169.254, 169.254.170.2, fd00:ec2::254, 100.100.100.200,
 * metadata.google.internal), unspecified, multicast and reserved addresses. Loopback
 * is allowed for an upstream written with a loopback host (a sidecar on the same
 * machine); private addresses (RFC 1918, CGNAT, unique-local IPv6) only for an
 * upstream marked `network: private`. Every other address is public.
 *
 * Obfuscated IPv4 (decimal `2852039166`, octal, hex, short forms) reaches the compiler
 * already normalized by the URL parser; IPv4-mapped, -compatible and NAT64 IPv6
 * addresses are judged by the IPv4 address inside them.
 */

/** What an address is. */
export type AddressClass = "public" | "loopback" | "private" | "link-local" | "metadata" | "unspecified" | "multicast" | "reserved";

/** Which addresses an upstream may reach: `public` only, also `loopback`, or also `private` (and loopback). */
export type UpstreamNetwork = "public" | "loopback" | "private";

/** Host names of metadata services (lower case, no trailing dot). */
const METADATA_NAMES = new Set(["metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal", "metadata.azure.com"]);

/** IPv4 metadata service addresses outside link-local (Alibaba Cloud). */
const METADATA_V4 = new Set(["169.254.169.254", "169.254.170.2", "169.254.170.23", "100.100.100.200"]);

/** True when an upstream on `network` may connect to an address of class `cls`. */
export function addressAllowed(cls: AddressClass, network: UpstreamNetwork): boolean {
  switch (cls) {
    case "public":
      return true;
    case "loopback":
      return network !== "public";
    case "private":
      return network === "private";
    default:
      return false;
  }
}

/** The class of a host as written in a URL (an IP literal, `[…]` for IPv6, or a name); null for a name that only resolving can tell. */
export function classifyHost(host: string): AddressClass | null {
  const name = host.toLowerCase().replace(/\.$/, "");
  if (METADATA_NAMES.has(name)) return "metadata";
  if (name === "localhost" || name.endsWith(".localhost")) return "loopback";
  return classifyIp(name.startsWith("[") && name.endsWith("]") ? name.slice(1, -1) : name);
}

/** The class of an IP address (dotted IPv4 or IPv6 text); null when it is not one. */
export function classifyIp(ip: string): AddressClass | null {
  const v4 = parseIpv4(ip);
  if (v4 !== null) return classifyIpv4(v4);
  const v6 = parseIpv6(ip);
  return v6 === null ? null : classifyIpv6(v6);
}

/** Dotted-quad IPv4 as four numbers, or null. */
function parseIpv4(text: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (m === null) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

function classifyIpv4([a, b, c, d]: number[]): AddressClass {
  const dotted = `${a}.${b}.${c}.${d}`;
  if (METADATA_V4.has(dotted)) return "metadata";
  if (a === 0) return "unspecified";
  if (a === 127) return "loopback";
  if (a === 169 && b === 254) return "link-local";
  if (a === 10 || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168) || (a === 100 && b! >= 64 && b! <= 127)) return "private";
  if (a! >= 224 && a! <= 239) return "multicast";
  if (a! >= 240) return "reserved";
  if ((a === 192 && b === 0 && c === 0) || (a === 198 && (b === 18 || b === 19))) return "reserved";
  return "public";
}

/** IPv6 text (optionally with an embedded IPv4 tail or a zone) as eight 16-bit groups, or null. */
function parseIpv6(text: string): number[] | null {
  let s = text.replace(/%.*$/, "");
  if (!s.includes(":")) return null;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(":");
  const v4 = parseIpv4(s.slice(lastColon + 1));
  if (v4 !== null) {
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    s = s.slice(0, lastColon + 1) + "0:0";
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === "") return [];
    const groups = part.split(":");
    if (groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null;
    return groups.map((g) => parseInt(g, 16));
  };
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (head === null || rest === null) return null;
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  if (tail.length === 2) groups.splice(6, 2, tail[0]!, tail[1]!);
  return groups;
}

function classifyIpv6(g: number[]): AddressClass {
  const zeroUpTo = (n: number): boolean => g.slice(0, n).every((x) => x === 0);
  const embedded = (): AddressClass => classifyIpv4([g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff]);
  if (zeroUpTo(8)) return "unspecified";
  if (zeroUpTo(7) && g[7] === 1) return "loopback";
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64): the IPv4 inside decides.
  if (zeroUpTo(5) && (g[5] === 0xffff || g[5] === 0)) return embedded();
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return embedded();
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && g.slice(2, 7).every((x) => x === 0) && g[7] === 0x254) return "metadata";
  if ((g[0]! & 0xffc0) === 0xfe80) return "link-local";
  if ((g[0]! & 0xfe00) === 0xfc00) return "private";
  if ((g[0]! & 0xff00) === 0xff00) return "multicast";
  return "public";
}
