// node:crypto for the add-on bundle. The signature core hashes synchronously
// (createHash, createHmac); WebCrypto is asynchronous only, so SHA-256 and
// HMAC come from @noble/hashes (audited, pure JS). Only what the shared code
// calls is provided; anything else throws rather than guessing.
// References: FIPS 180-4 (SHA-256), RFC 2104 (HMAC), PROTOCOL.md §3.
import { sha256 } from "@noble/hashes/sha2.js";
import { hmac } from "@noble/hashes/hmac.js";
import { Buffer } from "./node-buffer.js";

function bytesOf(data, encoding) {
  return typeof data === "string" ? Buffer.from(data, encoding ?? "utf8") : data;
}

function wrap(state) {
  return {
    update(data, encoding) {
      state.update(bytesOf(data, encoding));
      return this;
    },
    digest(encoding) {
      const out = Buffer.from(state.digest());
      return encoding ? out.toString(encoding) : out;
    },
  };
}

function onlySha256(algorithm) {
  if (algorithm !== "sha256") throw new Error(`node:crypto shim: ${algorithm} is not provided`);
}

export function createHash(algorithm) {
  onlySha256(algorithm);
  return wrap(sha256.create());
}

export function createHmac(algorithm, key) {
  onlySha256(algorithm);
  return wrap(hmac.create(sha256, bytesOf(key)));
}

export function timingSafeEqual(a, b) {
  if (a.length !== b.length) throw new RangeError("Input buffers must have the same byte length");
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export function randomBytes(size) {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(size)));
}
