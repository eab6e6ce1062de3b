/**
 * Signed verify requests for seeded users, as raw IQ strings with the id
 * left to fill in: each user signs its own message (its own Message-ID), as
 * a verifier would see them arriving.
 */
import xml from "@xmpp/xml";
import { aliceMessage, sign } from "./signed-message.js";
import type { HeaderField } from "../../signature/index.js";
import { KEY_ID, userJid, userSecret } from "./seed.js";
import type { MakeRequest } from "./iq-load.js";
import { NS_XSMTP } from "../../protocol/namespaces.js";

export interface SignedRequest {
  jid: string;
  signature: string;
  sent: HeaderField[];
}

/** `count` users spread evenly over 1..population. */
export function signedRequests(count: number, population: number, t = Math.floor(Date.now() / 1000)): SignedRequest[] {
  const out: SignedRequest[] = [];
  for (let k = 0; k < count; k++) {
    const jid = userJid(1 + Math.floor((k * population) / count));
    const message = aliceMessage({ From: `<${jid}>`, "Message-ID": `<bench-${k}@example.org>` });
    const { signature, sent } = sign(message, { jid, keyId: KEY_ID, secret: userSecret(jid), t });
    out.push({ jid, signature, sent });
  }
  return out;
}

const ID = "\u0001ID\u0001";

/** Raw `<iq type='get'>` strings to `to`, cycling through the requests. */
export function verifyIqMaker(requests: SignedRequest[], to: string): MakeRequest {
  const templates = requests.map((r) =>
    xml(
      "iq",
      { type: "get", id: ID, to },
      xml("verify", { xmlns: NS_XSMTP }, xml("signature", {}, r.signature), ...r.sent.map((f) => xml("header", { name: f.name }, f.value))),
    )
      .toString()
      .split(ID),
  );
  return (id, n) => templates[n % templates.length]!.join(id);
}
