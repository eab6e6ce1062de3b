// The signature core: parsing, canonicalization, signing input and MAC of
// X-XMPP-Hash. Pure: no XML, no storage, no logging (PROTOCOL.md §2, §3).
export { parseTagList } from "./tag-list.js";
export {
  MAX_HASH_FIELD_OCTETS,
  MAX_SIGNED_NAMES,
  parseHashHeader,
  REQUIRED_HEADERS,
  SUPPORTED_ALGORITHM,
  SUPPORTED_VERSION,
  type HashHeader,
  type HashHeaderError,
} from "./hash-header.js";
export { formatHashHeader, type HashHeaderFields } from "./format-hash-header.js";
export { canonicalBody, canonicalHeader } from "./canonicalize.js";
export { bodyHash, createBodyHasher, type BodyHasher } from "./body-hasher.js";
export { selectHeaders, type HeaderField } from "./select-headers.js";
export { HASH_FIELD_NAME, signingInput, withEmptyMac } from "./signing-input.js";
export { computeMac, macMatches } from "./mac.js";
export { decodeSecret, encodeSecret, generateSecret, SECRET_BYTES } from "./secret.js";
export { splitMessage, type MessageField, type SplitMessage } from "./message.js";
export { IDENTITY_FIELD_NAME, refuseOversizedHashField, SignatureOptionError, signFields, signMessage, type FieldSignOptions, type SignOptions } from "./sign.js";
export { checkHeaderBlock, MAX_LINE_OCTETS, type HeaderBlockProblem, type MessageProblem } from "./header-block-check.js";
