/**
 * Encryption at rest of cached entries: AES-256-GCM with a random 96-bit nonce per
 * entry. The entry's key is bound as additional authenticated data, so an entry
 * copied under another key (or tampered with) fails to open and counts as a miss.
 * Sealed layout: nonce (12 bytes) | tag (16 bytes) | ciphertext.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const NONCE = 12;
const TAG = 16;

export class EntryCipher {
  readonly #key: Buffer;

  /** `secret`: 32 bytes as 64 hex digits or base64; anything else is a passphrase, hashed to 32 bytes. */
  constructor(secret: string) {
    const trimmed = secret.trim();
    if (/^[0-9a-fA-F]{64}$/.test(trimmed)) this.#key = Buffer.from(trimmed, "hex");
    else {
      const b64 = /^[A-Za-z0-9+/]{43}=?$/.test(trimmed) ? Buffer.from(trimmed, "base64") : null;
      this.#key = b64 !== null && b64.length === 32 ? b64 : createHash("sha256").update(trimmed).digest();
    }
  }

  seal(plain: Buffer, aad: string): Buffer {
    const nonce = randomBytes(NONCE);
    const cipher = createCipheriv("aes-256-gcm", this.#key, nonce);
    cipher.setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([nonce, cipher.getAuthTag(), body]);
  }

  /** The plaintext, or null when the entry does not authenticate. */
  open(sealed: Buffer, aad: string): Buffer | null {
    if (sealed.length < NONCE + TAG) return null;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.#key, sealed.subarray(0, NONCE));
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(sealed.subarray(NONCE, NONCE + TAG));
      return Buffer.concat([decipher.update(sealed.subarray(NONCE + TAG)), decipher.final()]);
    } catch {
      return null;
    }
  }
}

/** Seals when a cipher is configured, else passes through. */
export function sealWith(cipher: EntryCipher | null, plain: Buffer, aad: string): Buffer {
  return cipher === null ? plain : cipher.seal(plain, aad);
}

export function openWith(cipher: EntryCipher | null, stored: Buffer, aad: string): Buffer | null {
  return cipher === null ? stored : cipher.open(stored, aad);
}
