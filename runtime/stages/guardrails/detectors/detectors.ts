/**
 * The built-in PII detectors. Each one is a *candidate* regular expression (cheap,
 * linear, bounded quantifiers, left boundaries as lookbehinds so a long run of letters
 * or digits is tried once, not at every position) plus a validator that decides with
 * arithmetic and tables whether the candidate is the real thing: Luhn and the card
 * brand's prefix and length, the IBAN country length and mod-97, the resident ID's
 * province, birth date and check digit, SSN area/group/serial rules, IP octets.
 *
 * A validator may shorten the candidate (a card number followed by a year, an IBAN
 * followed by more capitals): it returns the end of the PII, or -1 to reject.
 * The candidate sources are fixed (never policy input) and run on V8, look-behinds
 * included; each is written so that every position is tried once per alternative (a
 * literal or class prefix, then bounded class runs), and test/security/linear-time.test.ts
 * holds every detector to a linear time bound on adversarial input.
 */
import { isIPv4, isIPv6 } from "node:net";
import type { PiiDetectorId } from "../../../../schemas/catalog/guardrails.js";
import { cnIdCheckValid, entropyBits, ibanMod97Valid, luhnValid, realDate } from "./checksums.js";
import { CN_PROVINCE_CODES } from "./cn-regions.js";
import { IBAN_LENGTHS } from "./iban-lengths.js";
import { runOf as run, type HoldRule } from "../hold-rules.js";
import type { TextShape } from "./text-shape.js";

export interface Detector {
  readonly id: PiiDetectorId;
  /** The placeholder label: `[EMAIL_1]`. */
  readonly label: string;
  /** Candidate regex source; compiled with the `g` flag (or `y` for a retry at one position). */
  readonly source: string;
  /** The end of the PII in `text` if the candidate `text.slice(start, end)` is one, else -1. */
  validate(text: string, start: number, end: number): number;
  /** The masked form of a found value (keeps a little for humans, never enough to reuse). */
  mask(value: string): string;
  /** What a match still being written looks like at the end of a stream (hold-rules.ts), from the candidate regex's classes and bounds. */
  readonly hold: readonly HoldRule[];
  /**
   * A necessary condition for the candidate regex to match anywhere in `text`, from what one
   * pass over it counted (text-shape.ts): false only when no match is possible, so skipping
   * the detector cannot change a finding. Prose rarely holds twelve digits or an `@`.
   */
  possible(shape: TextShape, text: string): boolean;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Alphanumerics become `*` except the last `keep`; separators stay. */
function maskKeepingLast(value: string, keep: number): string {
  let alnum = 0;
  for (let i = 0; i < value.length; i++) if (/[A-Za-z0-9]/.test(value[i]!)) alnum++;
  let seen = 0;
  let out = "";
  for (const ch of value) {
    if (/[A-Za-z0-9]/.test(ch)) {
      seen++;
      out += seen > alnum - keep ? ch : "*";
    } else out += ch;
  }
  return out;
}

// ---------------------------------------------------------------- e-mail
/** File names such as `icon@2x.png` look like addresses; these "TLDs" are extensions. */
const FILE_EXTENSIONS = new Set([
  "png",
  "jpg",
  "jpeg",
  "gif",
  "svg",
  "webp",
  "bmp",
  "ico",
  "js",
  "mjs",
  "ts",
  "css",
  "json",
  "txt",
  "html",
  "htm",
  "pdf",
  "py",
  "rb",
  "java",
  "yaml",
  "yml",
  "lock",
  "tgz",
]);

const email: Detector = {
  id: "email",
  label: "EMAIL",
  source: "(?<![A-Za-z0-9._%+\\-])[A-Za-z0-9][A-Za-z0-9._%+\\-]{0,63}@[A-Za-z0-9\\-]{1,63}(?:\\.[A-Za-z0-9\\-]{1,63}){1,8}",
  validate(text, start, end) {
    const value = text.slice(start, end);
    const at = value.indexOf("@");
    const local = value.slice(0, at);
    if (local.endsWith(".") || local.includes("..")) return -1;
    const labels = value.slice(at + 1).split(".");
    for (const label of labels) if (label.startsWith("-") || label.endsWith("-")) return -1;
    const tld = labels[labels.length - 1]!;
    if (!/^[A-Za-z]{2,24}$/.test(tld) || FILE_EXTENSIONS.has(tld.toLowerCase())) return -1;
    return end;
  },
  mask(value) {
    const at = value.indexOf("@");
    return `${value[0]}***${value.slice(at)}`;
  },
  // 64 (local part) + @ + 9 labels of 63 and their dots.
  hold: [run("A-Za-z0-9._%+\\-@", 64 + 1 + 9 * 64)],
  // A literal `@`.
  possible: (shape) => shape.at,
};

// ---------------------------------------------------------------- phone
const CN_MOBILE = "(?<![0-9A-Za-z+])(?:(?:\\+|00)86[ \\-]?)?1[3-9][0-9](?:[ \\-]?[0-9]{4}){2}(?![0-9])";
const INTERNATIONAL = "(?<![0-9A-Za-z+])\\+[1-9][0-9().\\- ]{6,22}";
const NANP = "(?<![0-9A-Za-z.\\-])(?:\\([2-9][0-9]{2}\\) ?|[2-9][0-9]{2}[\\-.])[2-9][0-9]{2}[\\-.][0-9]{4}(?![0-9A-Za-z]|[\\-.][0-9])";

const phone: Detector = {
  id: "phone",
  label: "PHONE",
  source: `${CN_MOBILE}|${INTERNATIONAL}|${NANP}`,
  validate(text, start, end) {
    if (text.charCodeAt(start) !== 43 /* + */) return end; // CN mobile and NANP are exact shapes
    // International: the class run may end in separators, or in a second number.
    while (end > start && !isDigit(text.charCodeAt(end - 1))) end--;
    const value = text.slice(start, end);
    if (/[0-9A-Za-z]/.test(text[end] ?? "")) return -1;
    const digits = value.replace(/[^0-9]/g, "").length;
    if (digits < 8 || digits > 15) return -1;
    if (/[ .\-]{2}|\(\)|[.\-]\(|\)[0-9]/.test(value)) return -1;
    if ((value.match(/\(/g)?.length ?? 0) !== (value.match(/\)/g)?.length ?? 0)) return -1;
    // `+3.14159265` is a number, not a phone: dots only as repeated group separators.
    const dots = value.split(".").length - 1;
    if (dots === 1) return -1;
    return end;
  },
  mask: (value) => maskKeepingLast(value, 4),
  // `+` and 23 class characters; `0086-` and 13 digits with separators; `(415) 555-2671`.
  hold: [run("0-9 +().\\-", 24)],
  // International numbers start with `+`; a Chinese mobile has 11 digits, a NANP number 10.
  possible: (shape) => shape.plus || shape.digits >= 10,
};

// ---------------------------------------------------------------- payment card
interface Brand {
  readonly prefixes: readonly (readonly [number, number])[];
  readonly lengths: readonly number[];
}
/** IIN ranges (first 1–4 digits, inclusive) and lengths of the major brands. */
const BRANDS: readonly Brand[] = [
  { prefixes: [[4, 4]], lengths: [13, 16, 19] }, // Visa
  {
    prefixes: [
      [51, 55],
      [2221, 2720],
    ],
    lengths: [16],
  }, // Mastercard
  {
    prefixes: [
      [34, 34],
      [37, 37],
    ],
    lengths: [15],
  }, // American Express
  {
    prefixes: [
      [6011, 6011],
      [644, 649],
      [65, 65],
    ],
    lengths: [16, 17, 18, 19],
  }, // Discover
  { prefixes: [[3528, 3589]], lengths: [16, 17, 18, 19] }, // JCB
  {
    prefixes: [
      [62, 62],
      [81, 81],
    ],
    lengths: [16, 17, 18, 19],
  }, // UnionPay
  {
    prefixes: [
      [300, 305],
      [36, 36],
      [38, 39],
    ],
    lengths: [14, 15, 16, 17, 18, 19],
  }, // Diners Club
  {
    prefixes: [
      [50, 50],
      [56, 58],
      [63, 63],
      [67, 67],
    ],
    lengths: [12, 13, 14, 15, 16, 17, 18, 19],
  }, // Maestro
  { prefixes: [[2200, 2204]], lengths: [16, 17, 18, 19] }, // Mir
];

function knownBrand(digits: string): boolean {
  for (const brand of BRANDS) {
    if (!brand.lengths.includes(digits.length)) continue;
    for (const [lo, hi] of brand.prefixes) {
      const p = Number(digits.slice(0, String(lo).length));
      if (p >= lo && p <= hi) return true;
    }
  }
  return false;
}

const card: Detector = {
  id: "card",
  label: "CARD",
  source: "(?<![0-9A-Za-z.\\-])[0-9](?:[ \\-]?[0-9]){11,22}(?![0-9])",
  validate(text, start, end) {
    const value = text.slice(start, end);
    const separators = value.replace(/[0-9]/g, "");
    if (separators.length > 0 && separators !== separators[0]!.repeat(separators.length)) return -1;
    // The longest prefix that ends at a group boundary and is a valid card wins.
    for (let cut = value.length; cut >= 12; cut--) {
      if (cut < value.length && value[cut] !== separators[0]) continue;
      const digits = value.slice(0, cut).replace(/[^0-9]/g, "");
      if (digits.length < 12 || digits.length > 19) continue;
      if (/^(\d)\1+$/.test(digits)) continue;
      if (knownBrand(digits) && luhnValid(digits)) return start + cut;
    }
    return -1;
  },
  mask: (value) => maskKeepingLast(value, 4),
  // One digit, then 22 optional separators and digits.
  hold: [run("0-9 \\-", 45)],
  possible: (shape) => shape.digits >= 12,
};

// ---------------------------------------------------------------- IBAN
const iban: Detector = {
  id: "iban",
  label: "IBAN",
  source: "(?<![0-9A-Za-z])[A-Z]{2}[0-9]{2}(?: ?[0-9A-Z]){11,30}",
  validate(text, start, end) {
    const length = IBAN_LENGTHS.get(text.slice(start, start + 2));
    if (length === undefined) return -1;
    // Take exactly `length` characters (spaces between groups skipped), then a boundary.
    let taken = 0;
    let i = start;
    const spaced = text[start + 4] === " ";
    while (i < end && taken < length) {
      const ch = text[i]!;
      if (ch === " ") {
        // Spaces only between groups of four, and only when the IBAN is spaced at all.
        if (!spaced || taken % 4 !== 0) return -1;
      } else taken++;
      i++;
    }
    if (taken !== length || /[0-9A-Za-z]/.test(text[i] ?? "")) return -1;
    const compact = text.slice(start, i).replace(/ /g, "");
    return ibanMod97Valid(compact) ? i : -1;
  },
  mask: (value) => value.slice(0, 2) + maskKeepingLast(value.slice(2), 4),
  // Country, check digits, then up to 30 characters each after an optional space.
  hold: [run("A-Z0-9 ", 4 + 60)],
  // Two capitals, then two digits.
  possible: (shape) => shape.ibanStart,
};

// ---------------------------------------------------------------- US SSN
const usSsn: Detector = {
  id: "us_ssn",
  label: "SSN",
  source: "(?<![0-9A-Za-z\\-])(?:[0-9]{3}-[0-9]{2}-[0-9]{4}|[0-9]{3} [0-9]{2} [0-9]{4})(?![0-9A-Za-z]|[\\- ][0-9])",
  validate(text, start, end) {
    const area = Number(text.slice(start, start + 3));
    const group = Number(text.slice(start + 4, start + 6));
    const serial = Number(text.slice(start + 7, start + 11));
    // SSA: area 000, 666 and 900–999 are never issued; group 00 and serial 0000 neither.
    if (area === 0 || area === 666 || area >= 900 || group === 0 || serial === 0) return -1;
    const digits = `${text.slice(start, start + 3)}${text.slice(start + 4, start + 6)}${text.slice(start + 7, start + 11)}`;
    // Numbers voided after public misuse (the Woolworth wallet card, an SSA pamphlet).
    if (digits === "078051120" || digits === "219099999") return -1;
    return end;
  },
  mask: (value) => maskKeepingLast(value, 4),
  hold: [run("0-9 \\-", 11)],
  possible: (shape) => shape.digits >= 9,
};

// ---------------------------------------------------------------- mainland China resident ID
const cnId: Detector = {
  id: "cn_id",
  label: "CN_ID",
  source: "(?<![0-9A-Za-z])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9A-Za-z])",
  validate(text, start, end) {
    const id = text.slice(start, end);
    if (!CN_PROVINCE_CODES.has(id.slice(0, 2))) return -1;
    const year = Number(id.slice(6, 10));
    const month = Number(id.slice(10, 12));
    const day = Number(id.slice(12, 14));
    if (!realDate(year, month, day)) return -1;
    // A birth date in the future (or before 1880) is no real person's.
    const now = new Date();
    const born = Date.UTC(year, month - 1, day);
    if (year < 1880 || born > now.getTime()) return -1;
    return cnIdCheckValid(id) ? end : -1;
  },
  mask: (value) => value.slice(0, 3) + maskKeepingLast(value.slice(3), 2),
  hold: [run("0-9Xx", 18)],
  // 17 digits and a check character.
  possible: (shape) => shape.digits >= 17,
};

// ---------------------------------------------------------------- IP addresses
const V4 = "(?<![0-9A-Za-z.])(?:[0-9]{1,3}\\.){3}[0-9]{1,3}(?![0-9A-Za-z]|\\.[0-9])";
const V6 = "(?<![0-9A-Za-z:.])[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]{2,43}(?![0-9A-Za-z])";
/** Words before a dotted quad that make it a version, not an address. */
const VERSION_CONTEXT = /(?:\bv|\bversion|\bver\.?|\brelease|\bbuild|\bfirmware|\bupdate|\bchrome|\bfirefox|\bnode|\bpython|\bv\.)\s*:?\s*$/i;
/** A version pin or a package name before the quad: `pkg==1.2.3.4`, `>=1.2.3.4`, `^1.2.3.4`, `pkg-1.2.3.4`, `lib_1.2.3.4`. */
const VERSION_PIN = /(?:[=<>!~]=|[\^~]|[A-Za-z][-_])\s*$/;
/** A file extension after the quad: `pkg-1.2.3.4.tar.gz`, `app-1.2.3.4.whl`. */
const PACKAGE_FILE = /^\.(?:tar|tgz|gz|zip|whl|jar|deb|rpm|msi|exe|dmg|apk|nupkg|gem|egg)\b/i;

const ip: Detector = {
  id: "ip",
  label: "IP",
  source: `${V4}|${V6}`,
  validate(text, start, end) {
    let value = text.slice(start, end);
    if (value.includes(":")) {
      while (value.endsWith(".") || (value.endsWith(":") && !value.endsWith("::"))) value = value.slice(0, -1);
      if (!isIPv6(value) || !/[0-9A-Fa-f]/.test(value)) return -1;
      // Times (12:30:45) fail isIPv6; a bare `::` or `1::` is too weak to call an address.
      if (value.replace(/[^0-9A-Fa-f]/g, "").length < 1) return -1;
      return start + value.length;
    }
    if (!isIPv4(value)) return -1; // octets > 255, leading zeros
    const before = text.slice(Math.max(0, start - 16), start);
    if (VERSION_CONTEXT.test(before) || VERSION_PIN.test(before) || PACKAGE_FILE.test(text.slice(end, end + 8))) return -1;
    return end;
  },
  mask(value) {
    if (value.includes(":")) return value.replace(/(?<=:.*)[0-9A-Fa-f]/g, "*");
    const first = value.indexOf(".");
    return value.slice(0, first) + value.slice(first).replace(/[0-9]/g, "*");
  },
  // IPv6: up to 4 hex digits, a colon and 43 class characters.
  hold: [run("0-9A-Fa-f:.", 48)],
  // IPv6 has a colon; a dotted quad four digits and a dot.
  possible: (shape) => shape.colon || (shape.dot && shape.digits >= 4),
};

// ---------------------------------------------------------------- secrets
const SECRET_TOKENS = [
  "sk-ant-[a-z]{2,8}[0-9]{2}-[A-Za-z0-9_\\-]{32,250}", // Anthropic
  "sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\\-]{20,250}", // OpenAI
  "(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}", // AWS access key id
  "gh[pousr]_[A-Za-z0-9]{36,251}", // GitHub classic tokens
  "github_pat_[A-Za-z0-9_]{60,120}", // GitHub fine-grained tokens
  "xox[abposr]-[A-Za-z0-9\\-]{10,250}", // Slack
  "AIza[A-Za-z0-9_\\-]{35}", // Google API key
  "(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,247}", // Stripe
  "eyJ[A-Za-z0-9_\\-]{8,2000}\\.eyJ[A-Za-z0-9_\\-]{8,8000}\\.[A-Za-z0-9_\\-]{16,2000}", // JWT
];
const PEM = "-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY-----[\\s\\S]{0,16000}?-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY-----";
/** The longest PEM match: both marker lines (at most 42 characters each) and the 16,000-character body. */
const PEM_MAX = 16_000 + 2 * 42;

/** The known prefix of a token, kept by `mask`. */
const SECRET_PREFIX = /^(?:sk-ant-[a-z]+[0-9]{2}-|sk-(?:proj-|svcacct-|admin-)?|AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|xox[abposr]-|AIza|(?:sk|rk)_(?:live|test)_|eyJ)/;

const credential: Detector = {
  id: "credential",
  label: "SECRET",
  source: `(?<![A-Za-z0-9_\\-])(?:${SECRET_TOKENS.join("|")})(?![A-Za-z0-9_\\-])|${PEM}`,
  validate(text, start, end) {
    const value = text.slice(start, end);
    if (value.startsWith("-----")) return end;
    if (value.startsWith("sk-") && !value.startsWith("sk-ant-")) {
      // OpenAI keys are random mixed-case alphanumerics; `sk-this-is-not-a-real-key` is prose.
      const body = value.replace(/^sk-(?:proj-|svcacct-|admin-)?/, "");
      if (!/[0-9]/.test(body) || !/[a-z]/.test(body) || !/[A-Z]/.test(body) || entropyBits(body) < 3.5) return -1;
    }
    if (value.startsWith("eyJ")) {
      try {
        const header = JSON.parse(Buffer.from(value.slice(0, value.indexOf(".")), "base64url").toString("utf8")) as unknown;
        if (typeof header !== "object" || header === null || !("alg" in header)) return -1;
      } catch {
        return -1;
      }
    }
    return end;
  },
  mask(value) {
    if (value.startsWith("-----")) return "-----BEGIN PRIVATE KEY----- **** -----END PRIVATE KEY-----";
    const prefix = SECRET_PREFIX.exec(value)?.[0] ?? "";
    return `${prefix}****`;
  },
  hold: [
    // The longest token is a JWT: `eyJ` + 2,000, `.eyJ` + 8,000, `.` + 2,000.
    run("A-Za-z0-9_\\-.", 3 + 2000 + 4 + 8000 + 1 + 2000),
    // A PEM block: held from its opening line until its END line is complete.
    { kind: "block", open: "-----BEGIN", close: /-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY-----/g, maxSpan: PEM_MAX },
  ],
  // Every token starts with a fixed prefix; substring searches are far cheaper than the alternation.
  possible: (_shape, text) =>
    text.includes("k-") || // sk-, sk-ant-
    text.includes("_") || // gh?_, github_pat_, sk_/rk_
    text.includes("xox") ||
    text.includes("eyJ") ||
    text.includes("-----BEGIN") ||
    text.includes("AKIA") ||
    text.includes("ASIA") ||
    text.includes("ABIA") ||
    text.includes("ACCA") ||
    text.includes("AIza"),
};

/** Every detector by id. */
export const DETECTORS: Readonly<Record<PiiDetectorId, Detector>> = Object.freeze({
  credential,
  email,
  iban,
  cn_id: cnId,
  card,
  us_ssn: usSsn,
  phone,
  ip,
});
