/**
 * The verify request, `<verify xmlns='urn:xmpp:xsmtp:0'/>`: built by the
 * verifier, parsed by the service. The parser makes one walk over the
 * request with the §3.2 limits counted as it goes, so a hostile request
 * costs time linear in its size and nothing past a limit is parsed.
 *
 * References: PROTOCOL.md §5 (the request), §3.2 (limits, linear parsing).
 */
import xml from "@xmpp/xml";
import type { HeaderField } from "../signature/index.js";
import { NS_XSMTP } from "./namespaces.js";

/** The signature as written (folding and all) and the selected fields' raw values. */
export function verifyRequest(signature: string, sent: HeaderField[]): xml.Element {
  return xml(
    "verify",
    { xmlns: NS_XSMTP },
    xml("signature", {}, signature),
    ...sent.map((f) => xml("header", { name: f.name }, f.value)),
  );
}

/** §3.2: a verify IQ of at most 64 header elements and 256 KiB; an X-XMPP-Hash of at most 8,192 octets. */
export const VERIFY_LIMITS = { headers: 64, octets: 256 * 1024, signatureOctets: 8192 } as const;

/** A verification request past a §3.2 limit: answered permerror malformed-signature, never parsed further. */
export const PAST_LIMIT = "past-limit";

export type ParsedVerify = { signature: string; headers: HeaderField[] } | typeof PAST_LIMIT;

const octets = (text: string) => Buffer.byteLength(text, "utf8");

/** Text content of an element that must hold text only; null if it has child elements. */
function textOnly(el: xml.Element): string | null {
  let text = "";
  for (const child of el.children) {
    if (typeof child !== "string") return null;
    text += child;
  }
  return text;
}

/**
 * About the serialized size of an element and everything in it: text, and
 * names and attributes with their markup (`<a></a>`, ` k=''`), so that many
 * empty elements count too. Counted until past `budget` (then budget + 1).
 */
function sizeOf(el: xml.Element, budget: number): number {
  let size = 0;
  const stack: (xml.Element | string)[] = [el];
  while (stack.length > 0 && size <= budget) {
    const node = stack.pop()!;
    if (typeof node === "string") {
      size += octets(node);
      continue;
    }
    size += 2 * octets(node.name) + 5;
    for (const [name, value] of Object.entries(node.attrs)) size += octets(name) + octets(String(value ?? "")) + 4;
    for (const child of node.children) stack.push(child as xml.Element | string);
  }
  return Math.min(size, budget + 1);
}

/**
 * One walk over the request: its shape decides bad-request (whatever its
 * size), then the §3.2 limits, counted as it goes and no longer once passed,
 * so a hostile request costs time linear in its size and nothing is parsed
 * or canonicalized past a limit.
 */
export function parseVerify(payload: xml.Element): ParsedVerify | "not-a-verification-request" {
  let signature: string | undefined;
  let signatures = 0;
  const headers: HeaderField[] = [];
  let past = false;
  let size = 0;
  for (const child of payload.children) {
    if (typeof child === "string") {
      if (!past) size += octets(child);
    } else if (child.name === "signature" || child.name === "header") {
      const text = textOnly(child);
      if (text === null) return "not-a-verification-request";
      if (child.name === "signature") {
        signatures++;
        signature = text;
        past ||= octets(text) > VERIFY_LIMITS.signatureOctets;
      } else {
        const name = child.attrs.name;
        if (!name) return "not-a-verification-request";
        past ||= headers.length === VERIFY_LIMITS.headers;
        if (!past) headers.push({ name, value: text });
      }
      if (!past) size += sizeOf(child, VERIFY_LIMITS.octets - size);
    } else if (!past) {
      size += sizeOf(child, VERIFY_LIMITS.octets - size);
    }
    past ||= size > VERIFY_LIMITS.octets;
  }
  if (signatures !== 1 || signature!.trim() === "") return "not-a-verification-request";
  return past ? PAST_LIMIT : { signature: signature!, headers };
}
