/**
 * Encryption at rest, one mechanism for everything the gateway stores (conversation
 * memory, response caches, and any state file): AES-256-GCM with a random 96-bit nonce
 * per value, the value's own name bound as additional authenticated data (a value moved
 * under another name, or tampered with, does not open), and key rotation: the first key
 * seals, every key opens.
 *
 * Sealed layout: 0x01 | key id (4 bytes: the first bytes of the key's SHA-256) | nonce
 * (12) | tag (16) | ciphertext. The key id picks the key that opens a value without
 * trying each. Values sealed before the header existed (the response cache's former
 * layout: nonce | tag | ciphertext) still open with any of the keys.
 *
 * Keys are given as 32 bytes (64 hex digits or base64), or as a passphrase, hashed to
 * 32 bytes with SHA-256 (as the cache always did, so its entries stay readable).
 *
 * Usage (a store that writes records):
 *   const sealer = new Sealer(["<new key>", "<old key>"]);
 *   const stored = sealer.seal(Buffer.from(json), `spool:${file}:${offset}`);
 *   const plain = sealer.open(stored, `spool:${file}:${offset}`); // null: not ours, or tampered
 *   // text stores: sealer.sealText(json, name) → base64; sealer.openText(b64, name) → string | null
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const VERSION = 0x01;
const KEY_ID = 4;
const NONCE = 12;
const TAG = 16;
const HEADER = 1 + KEY_ID;

interface Key {
  readonly bytes: Buffer;
  readonly id: Buffer;
}

/** 32 key bytes from a secret: 64 hex digits, 32 bytes of base64, or a passphrase (SHA-256). */
export function keyBytes(secret: string): Buffer {
  const trimmed = secret.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, "hex");
  const b64 = /^[A-Za-z0-9+/]{43}=?$/.test(trimmed) ? Buffer.from(trimmed, "base64") : null;
  return b64 !== null && b64.length === 32 ? b64 : createHash("sha256").update(trimmed).digest();
}

export class Sealer {
  readonly #keys: readonly Key[];

  /** `secrets`: the sealing key first, then older keys that must still open what they sealed. */
  constructor(secrets: string | readonly string[]) {
    const list = typeof secrets === "string" ? [secrets] : secrets;
    if (list.length === 0) throw new Error("a sealer needs at least one key");
    this.#keys = list.map((s) => {
      const bytes = keyBytes(s);
      return { bytes, id: createHash("sha256").update(bytes).digest().subarray(0, KEY_ID) };
    });
  }

  /** How many keys open values (the first also seals). */
  get keyCount(): number {
    return this.#keys.length;
  }

  /** `plain` sealed with the first key, bound to `name`. */
  seal(plain: Buffer, name: string): Buffer {
    const key = this.#keys[0]!;
    const nonce = randomBytes(NONCE);
    const cipher = createCipheriv("aes-256-gcm", key.bytes, nonce);
    cipher.setAAD(Buffer.from(name));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), key.id, nonce, cipher.getAuthTag(), body]);
  }

  /** The plaintext, or null when no key opens `sealed` under `name`. */
  open(sealed: Buffer, name: string): Buffer | null {
    if (sealed.length >= HEADER + NONCE + TAG && sealed[0] === VERSION) {
      const id = sealed.subarray(1, HEADER);
      const key = this.#keys.find((k) => k.id.equals(id));
      const plain = key === undefined ? null : decrypt(key.bytes, sealed.subarray(HEADER), name);
      if (plain !== null) return plain;
    }
    // The headerless layout of values sealed before rotation existed.
    for (const key of this.#keys) {
      const plain = decrypt(key.bytes, sealed, name);
      if (plain !== null) return plain;
    }
    return null;
  }

  /** Text sealed to base64 (for stores that hold strings). */
  sealText(plain: string, name: string): string {
    return this.seal(Buffer.from(plain), name).toString("base64");
  }

  /** The text of a base64 value from sealText, or null. */
  openText(sealed: string, name: string): string | null {
    return this.open(Buffer.from(sealed, "base64"), name)?.toString("utf8") ?? null;
  }
}

function decrypt(key: Buffer, data: Buffer, name: string): Buffer | null {
  if (data.length < NONCE + TAG) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, data.subarray(0, NONCE));
    decipher.setAAD(Buffer.from(name));
    decipher.setAuthTag(data.subarray(NONCE, NONCE + TAG));
    return Buffer.concat([decipher.update(data.subarray(NONCE + TAG)), decipher.final()]);
  } catch {
    return null;
  }
}

/** Seals when a sealer is configured, else passes through. */
export function sealWith(sealer: Sealer | null, plain: Buffer, name: string): Buffer {
  return sealer === null ? plain : sealer.seal(plain, name);
}

/** Opens when a sealer is configured, else passes through. */
export function openWith(sealer: Sealer | null, stored: Buffer, name: string): Buffer | null {
  return sealer === null ? stored : sealer.open(stored, name);
}
