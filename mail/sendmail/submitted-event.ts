/**
 * Publishes `submitted` for a message just signed, from the signing
 * identity's own account: the recipients' count and domains let the service
 * flag a verification from any other domain as a replay. It is best effort:
 * a failure is reported to the caller, who only warns.
 *
 * References: PROTOCOL.md §4, §6 (submitted, recipient-domain), §10 (replay).
 */
import type { HeaderField } from "../../signature/index.js";
import { bareMessageId, fromAddresses } from "../../protocol/mail-address.js";
import { firstValue } from "../../signature/signed-fields.js";
import { findService } from "../verify/discover-service.js";
import { publishProgress } from "../xmpp/publish-progress.js";
import { openSession, type SessionOptions } from "../xmpp/xmpp-session.js";

/** Recipient addresses, lower-cased and unique: argv ones, plus To/Cc/Bcc with -t. */
export function recipientsOf(argvRecipients: string[], fields: HeaderField[], fromHeader: boolean): string[] {
  const all = argvRecipients.flatMap((r) => fromAddresses(r));
  if (fromHeader) {
    for (const f of fields) if (/^(to|cc|bcc)$/i.test(f.name)) all.push(...fromAddresses(f.value));
  }
  return [...new Set(all)];
}

export async function publishSubmitted(
  account: SessionOptions,
  service: string | undefined,
  fields: HeaderField[],
  recipients: string[],
): Promise<void> {
  const messageId = firstValue(fields, "message-id");
  if (!messageId) throw new Error("the signed message has no Message-ID");
  const domains = [...new Set(recipients.map((r) => r.slice(r.lastIndexOf("@") + 1)))].sort();
  const session = await openSession(account);
  try {
    const target = service ?? (await findService(session, account.jid));
    if (!target) throw new Error(`no XSMTP service found for ${account.jid}`);
    await publishProgress(session, target, account.jid, bareMessageId(messageId), {
      stage: "submitted",
      recipients: recipients.length,
      recipientDomains: domains,
    });
  } finally {
    await session.close();
  }
}
