/**
 * Publishes a progress event to a message's node at the sender's service:
 * `submitted` by the sending identity, `delivered` by a verifier with a pass.
 * The node is named for the signing identity and the Message-ID
 * (revision 0.1), so both callers say whose message it is: the signer its own
 * JID, the verifier the signature's `j`.
 *
 * References: PROTOCOL.md §6; XEP-0060 §7.1 (publish).
 */
import type { Publication } from "../../protocol/progress-event.js";
import { publishRequest } from "../../protocol/progress-payload.js";
import type { XmppSession } from "./xmpp-session.js";

export async function publishProgress(
  session: Pick<XmppSession, "request">,
  service: string,
  owner: string,
  messageId: string,
  event: Publication,
): Promise<void> {
  await session.request("set", service, publishRequest(owner, messageId, event));
}
