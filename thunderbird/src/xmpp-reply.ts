/**
 * "Reply over XMPP": an xmpp: URI with the `message` query action, handed
 * to whatever XMPP client the desktop has registered. tabs.create passes a
 * non-web scheme to the system's handler; windows.openDefaultBrowser
 * refuses it (THUNDERBIRD.md).
 *
 * References: RFC 5122 §2 (xmpp: URI), XEP-0147 (query actions: message).
 */
import type { Messenger } from "./messenger-types.js";

/** `xmpp:alice@example.org?message`; local part and domain percent-encoded as RFC 5122 §2.7 requires. */
export function xmppMessageUri(jid: string): string {
  const at = jid.lastIndexOf("@");
  const encode = (part: string) => encodeURIComponent(part).replace(/%40/g, "@");
  const local = at > 0 ? `${encode(jid.slice(0, at))}@` : "";
  return `xmpp:${local}${encode(jid.slice(at + 1))}?message`;
}

export async function replyOverXmpp(tabs: Messenger["tabs"], jid: string): Promise<string> {
  const uri = xmppMessageUri(jid);
  await tabs.create({ url: uri });
  return uri;
}
