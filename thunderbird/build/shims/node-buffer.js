// node:buffer for the add-on bundle: the `buffer` package's Buffer (the Node
// API the shared mail code uses) and isUtf8, which Node has natively and the
// browser answers with a fatal TextDecoder (same acceptance: RFC 3629 UTF-8).
// References: PROTOCOL.md §3.1 (header octets must be UTF-8).
import { Buffer } from "buffer";

export { Buffer };

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function isUtf8(bytes) {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
