/**
 * A port another process already listens on is refused, not shared by accident.
 *
 * uWS binds explicit ports with SO_REUSEPORT (worker threads and certificate rotation
 * need it), and Linux then lets a second process bind the same port too: two gateways
 * would split the connections between two plans without a word. So before uWS binds,
 * a plain socket (no SO_REUSEPORT) tries the address: if anything listens there, that
 * bind fails and we refuse. node:http binds without SO_REUSEPORT and fails by itself;
 * its error gets the same message. Sharing on purpose (a new gateway starting beside
 * the old one on one host) is `--share-port`.
 */
import { createServer } from "node:net";

/** The refusal, worded for the operator who started the second process. */
export class PortInUseError extends Error {
  constructor(host: string, port: number) {
    super(
      `port ${port} is in use on ${host}: another process listens there. Stop it or choose another port; ` +
        "--share-port shares it on purpose (SO_REUSEPORT: the kernel then splits new connections between the processes)",
    );
    this.name = "PortInUseError";
  }
}

/** True for the error a bind reports when the address is taken. */
export function isAddressInUse(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === "EADDRINUSE";
}

/** Resolves when nothing listens on host:port right now; rejects with PortInUseError otherwise. */
export function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (err) => reject(isAddressInUse(err) ? new PortInUseError(host, port) : err));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** Node 22.12+ (and 23.1+) can bind node:http with SO_REUSEPORT (`reusePort`); Node 20 cannot. */
export function nodeHasReusePort(version = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}
