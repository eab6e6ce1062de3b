/**
 * disco#info with node = a bare JID (PROTOCOL.md §7): for an enrolled
 * identity, the XSMTP feature and a form with its enrollment time and usable
 * key ids; anything else is item-not-found. Plain data; the disco adapter
 * renders it.
 *
 * References: PROTOCOL.md §7, XEP-0030 §3.2, XEP-0128.
 */
import type { DiscoInfo, NodeInfoProvider } from "../discovery/registry.js";
import { parseUserJid } from "../../protocol/jid.js";
import type { IdentityCore } from "./identity-core.js";
import { xep82DateTime } from "../../protocol/datetime.js";
import { NS_XSMTP, NS_XSMTP_IDENTITY_FORM } from "../../protocol/namespaces.js";

export function identityNodeInfo(identities: IdentityCore): NodeInfoProvider {
  return async (node) => {
    // Only JID-shaped nodes are ours; other features answer for theirs.
    if (!node.includes("@") || node.includes("/")) return undefined;
    const jid = parseUserJid(node);
    const info = jid ? await identities.info(jid) : undefined;
    if (info === undefined || typeof info === "string") return "item-not-found";
    const answer: DiscoInfo = {
      identities: [],
      features: [NS_XSMTP],
      forms: [
        {
          type: "result",
          formType: NS_XSMTP_IDENTITY_FORM,
          fields: [
            { var: "enrolled-since", values: [xep82DateTime(info.enrolledAt)] },
            { var: "keys", values: info.keys.filter((k) => k.state === "active").map((k) => k.keyId) },
          ],
        },
      ],
    };
    return answer;
  };
}
