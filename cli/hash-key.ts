/**
 * `tollgate hash-key`: prints the digest of an API key for a consumer's `keys` entry:
 * its SHA-256 (`sha256:`, the former, unkeyed form), or with `--hmac` the keyed form
 * (`hmac:`): HMAC-SHA256, keyed with the server secret (`listener.apiKeys.hmacSecret`),
 * of the key's SHA-256. Because the keyed form is computed from the SHA-256, an existing
 * `sha256` entry migrates without the key: `--hmac --from-sha256 <digest>`.
 */
import { createHash, createHmac } from "node:crypto";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}

export interface HashKeyOptions {
  readonly hmac?: boolean;
  readonly fromSha256?: boolean;
  /** The environment variable holding the secret. */
  readonly secretEnv?: string;
}

/** The keyed digest the gateway compares: HMAC-SHA256(secret, SHA-256(key)), as hex. */
export function keyedDigest(secret: string, sha256Hex: string): string {
  return createHmac("sha256", secret).update(Buffer.from(sha256Hex, "hex")).digest("hex");
}

export async function hashKeyCommand(key: string | undefined, opts: HashKeyOptions = {}, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const value = key ?? (await readStdin());
  if (!value) {
    process.stderr.write("tollgate hash-key: give a key as an argument or on stdin\n");
    return 2;
  }
  if (opts.fromSha256 === true && opts.hmac !== true) {
    process.stderr.write("tollgate hash-key: --from-sha256 converts a sha256 entry into its hmac form: add --hmac\n");
    return 2;
  }
  if (opts.fromSha256 === true && !/^[0-9a-fA-F]{64}$/.test(value)) {
    process.stderr.write("tollgate hash-key: with --from-sha256, give the 64-hex-digit sha256 digest of the key\n");
    return 2;
  }
  const sha256 = opts.fromSha256 === true ? value.toLowerCase() : createHash("sha256").update(value).digest("hex");
  if (opts.hmac !== true) {
    process.stdout.write(sha256 + "\n");
    return 0;
  }
  const name = opts.secretEnv ?? "TOLLGATE_KEY_SECRET";
  const secret = env[name];
  if (secret === undefined || secret === "") {
    process.stderr.write(`tollgate hash-key: --hmac needs the server secret in $${name} (the value listener.apiKeys.hmacSecret refers to)\n`);
    return 2;
  }
  process.stdout.write(keyedDigest(secret, sha256) + "\n");
  return 0;
}
