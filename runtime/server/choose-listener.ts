/**
 * Which listener serves when the operator did not choose one (`--server` left out, or
 * `auto`): node:http, the one safe to expose directly. Its parser (llhttp, strict)
 * refuses every request-smuggling and header-limit probe with a 400 or 431 and a
 * close, and answers pipelined requests in order; the uWS builds the gateway can load
 * fail several of those probes inside their C++ parser, where the gateway cannot
 * reach (docs/operations.md#limits-at-the-edge has the measured table). `--server uws`
 * is kept as asked, for a gateway behind a proxy that re-frames every request (it
 * refuses to start where uWS does not load: load-uws.ts says why).
 */
import type { ServerKind } from "./exchange.js";

/** A listener as asked for: one of the two, or `auto` (the default: node:http). */
export type ServerChoice = ServerKind | "auto";

/** The accepted spellings of a choice, for flags and environment variables. */
export const SERVER_CHOICES: readonly ServerChoice[] = ["auto", "uws", "node"];

/** The listener to run for `choice`. */
export function chooseListener(choice: ServerChoice): ServerKind {
  return choice === "auto" ? "node" : choice;
}
