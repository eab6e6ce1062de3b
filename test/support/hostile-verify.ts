/**
 * Verify requests shaped to cost a service as much as PROTOCOL.md §3.2 lets
 * them: 64 header elements, close to 256 KiB, values made of folds and runs
 * of mixed white space, the shapes that make backtracking parsers slow.
 */
import { sign, type TestMessage } from "../../devtools/load/signed-message.js";
import type { HeaderField } from "../../signature/index.js";

/** About `n` octets of folded, white-space-heavy text in lines a signer accepts (CRLF folds every ~60 octets). */
export function hostileText(n: number): string {
  const unit = "a \t \t b\t\t  c" + " ".repeat(40) + "\r\n \t";
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n) + "z";
}

/** A message signed over `pads` X-Pad fields besides the required ones: pads + 4 header elements are sent. */
export function paddedSigned(
  pads: number,
  value: (i: number) => string,
  opts: { messageId: string; keyId: string; secret: Buffer; t: number; from?: string },
): { signature: string; sent: HeaderField[] } {
  const message: TestMessage = {
    headers: [
      ["From", opts.from ?? "Alice <alice@example.org>"],
      ["Date", "Sat, 28 Nov 2026 10:00:00 +0000"],
      ["Message-ID", opts.messageId],
      ...Array.from({ length: pads }, (_, i): [string, string] => ["X-Pad", value(i)]),
    ],
  };
  const h = ["from", "date", "message-id", "x-xmpp-identity", ...Array(pads).fill("x-pad")].join(":");
  return sign(message, { keyId: opts.keyId, secret: opts.secret, t: opts.t, h });
}
