/**
 * Test-only TLS material, made fresh in a temporary directory with the `openssl` CLI
 * (node:crypto cannot issue certificates): a CA, and server certificates it signs for
 * `localhost` / 127.0.0.1. Nothing here is ever used outside tests.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TestCa {
  dir: string;
  caCert: string;
  caKey: string;
  /** PEM of the CA certificate. */
  caPem: Buffer;
}

export interface TestServerCert {
  cert: string;
  key: string;
  /** Hex serial number, to tell two certificates apart. */
  serial: string;
}

function openssl(args: string[], cwd: string): string {
  try {
    return execFileSync("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"] }).toString();
  } catch (err) {
    throw new Error(`openssl ${args[0]} failed (is the openssl CLI installed?): ${(err as { stderr?: Buffer }).stderr?.toString() ?? String(err)}`);
  }
}

/** A new CA in `dir`. */
export function makeTestCa(dir: string, name = "Tollgate Test CA"): TestCa {
  const caKey = join(dir, `${name.replace(/\W/g, "-")}.key`);
  const caCert = join(dir, `${name.replace(/\W/g, "-")}.crt`);
  openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", caKey, "-out", caCert, "-days", "2", "-subj", `/CN=${name}`], dir);
  return { dir, caCert, caKey, caPem: readFileSync(caCert) };
}

/** A server certificate for localhost and 127.0.0.1 (or `names`), signed by `ca`, written as `<base>.crt` / `<base>.key`. */
export function makeServerCert(ca: TestCa, base: string, names: string[] = ["localhost"]): TestServerCert {
  const key = join(ca.dir, `${base}.key`);
  const csr = join(ca.dir, `${base}.csr`);
  const cert = join(ca.dir, `${base}.crt`);
  const ext = join(ca.dir, `${base}.ext`);
  writeFileSync(
    ext,
    `subjectAltName=${[...names.map((n) => `DNS:${n}`), "IP:127.0.0.1"].join(",")}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`,
  );
  openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", csr, "-subj", `/CN=${names[0]}`], ca.dir);
  openssl(["x509", "-req", "-in", csr, "-CA", ca.caCert, "-CAkey", ca.caKey, "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext], ca.dir);
  const serial = openssl(["x509", "-in", cert, "-noout", "-serial"], ca.dir)
    .trim()
    .replace(/^serial=/, "")
    .toUpperCase();
  return { cert, key, serial };
}
