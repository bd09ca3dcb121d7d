/**
 * For tests that call CLI command functions in-process: a fresh temp directory per
 * test and everything the command writes to stdout and stderr, captured.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, vi } from "vitest";

export interface CapturedIo {
  /** A new temporary directory for each test, removed after it. */
  dir: string;
  /** What the command wrote to stdout in this test. */
  out: string;
  /** What the command wrote to stderr in this test. */
  err: string;
}

/** Registers the hooks in the calling suite; read the fields inside tests. */
export function useCapturedIo(prefix: string): CapturedIo {
  const io: CapturedIo = { dir: "", out: "", err: "" };
  beforeEach(() => {
    io.dir = mkdtempSync(join(tmpdir(), prefix));
    io.out = "";
    io.err = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((io.out += String(chunk)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((io.err += String(chunk)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(io.dir, { recursive: true, force: true });
  });
  return io;
}
