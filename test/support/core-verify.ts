/**
 * Checks a signed message's topmost X-XMPP-Hash in process, with the
 * signature core and the secret: what the service's MAC check and the
 * verifier's body-hash check decide together (PROTOCOL.md §3, §5), without
 * the §3.1 duplicate check, so a test sees what oversigning alone catches.
 */
import { bodyHash, macMatches, parseHashHeader, selectHeaders, signingInput, splitMessage } from "../../signature/index.js";

export function coreVerifies(message: Buffer, secret: Buffer): boolean {
  const { fields, bodyOffset } = splitMessage(message);
  const hash = fields.find((f) => f.name.toLowerCase() === "x-xmpp-hash");
  if (!hash) return false;
  const header = parseHashHeader(hash.value);
  if (typeof header === "string") return false;
  if (bodyHash(message.subarray(bodyOffset)) !== header.bodyHash) return false;
  const input = signingInput(selectHeaders(header.headerNames, fields), hash.value);
  return macMatches(secret, input, header.mac);
}
