/** `tollgate hash-key`: prints the SHA-256 of an API key for a consumer's `keys` entry. */
import { createHash } from "node:crypto";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}

export async function hashKeyCommand(key: string | undefined): Promise<number> {
  const value = key ?? (await readStdin());
  if (!value) {
    process.stderr.write("tollgate hash-key: give a key as an argument or on stdin\n");
    return 2;
  }
  process.stdout.write(createHash("sha256").update(value).digest("hex") + "\n");
  return 0;
}
