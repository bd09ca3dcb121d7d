/** `tollgate audit verify FILE`: checks an audit log's hash chains; exit 0 intact, 1 at the first broken line, 2 when the file cannot be read. */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { verifyAuditText } from "../runtime/ops/audit-verify.js";

export async function auditVerifyCommand(file: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    process.stderr.write(`tollgate audit verify: cannot read ${file}: ${(err as Error).message}\n`);
    return 2;
  }
  const verdict = verifyAuditText(text, (s) => createHash("sha256").update(s).digest("hex"));
  if (verdict.ok) {
    process.stdout.write(`${file}: intact, ${verdict.lines} lines in ${verdict.chains} chain${verdict.chains === 1 ? "" : "s"}\n`);
    return 0;
  }
  process.stdout.write(`${file}:${verdict.broken!.line}: broken: ${verdict.broken!.reason}\n`);
  return 1;
}
