/**
 * The client listener's certificate and key: read from the files the plan names,
 * proven to form a usable pair before a listener uses them (a key that does not match
 * the certificate fails here, with the file names, not in every handshake), and
 * watched so that a renewed certificate (cert-manager, certbot, a Secret volume's
 * symlink swap) is picked up without a restart.
 */
import { readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import type { PlanTls } from "../../schemas/plan/operations.js";
import { watchPlanFile, type PlanWatcher } from "../base/watch-file.js";

export interface TlsPair {
  cert: Buffer;
  key: Buffer;
}

/** Reads and checks the pair; throws a message naming the files. */
export function readTlsPair(tls: PlanTls): TlsPair {
  let cert: Buffer;
  let key: Buffer;
  try {
    cert = readFileSync(tls.certFile);
    key = readFileSync(tls.keyFile);
  } catch (err) {
    throw new Error(`TLS: cannot read ${(err as NodeJS.ErrnoException).path ?? "the certificate or key"} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    throw new Error(`TLS: ${tls.certFile} and ${tls.keyFile} are not a usable certificate and key (${(err as Error).message})`);
  }
  return { cert, key };
}

/** Calls `onChange` after the certificate or key file changes (debounced; both usually change together). */
export function watchTlsPair(tls: PlanTls, onChange: () => void): PlanWatcher {
  let timer: NodeJS.Timeout | null = null;
  const fire = (): void => {
    if (timer !== null) clearTimeout(timer);
    // Renewals write the key and the certificate one after the other: wait for both.
    timer = setTimeout(() => {
      timer = null;
      onChange();
    }, 200);
  };
  const watchers = [watchPlanFile(tls.certFile, fire), ...(tls.keyFile === tls.certFile ? [] : [watchPlanFile(tls.keyFile, fire)])];
  return {
    close: () => {
      if (timer !== null) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
