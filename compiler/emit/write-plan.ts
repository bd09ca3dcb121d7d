/**
 * Writes plan.json atomically: the text goes to a temporary file in the same
 * directory (same filesystem, so rename is atomic), is flushed to disk, then renamed
 * over the target. A runtime watching the file sees the old plan or the new one,
 * never half of one.
 */
import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Writes `planJson` to `file` atomically; the temporary file is removed on failure. */
export async function writePlanAtomic(file: string, planJson: string): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const handle = await open(temp, "wx", 0o644);
    try {
      await handle.writeFile(planJson, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
