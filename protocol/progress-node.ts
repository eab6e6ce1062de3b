/**
 * Progress node names, `progress/<bare-jid>/<message-id>` (revision 0.1):
 * the owner is part of the name, so who may create or write a node is
 * decided from the name alone, before the node is looked up, and two
 * identities using one Message-ID have two nodes. Parsing is linear: the
 * JID ends at the first '/' after the prefix (a bare JID has none), and the
 * rest, '/' included, is the Message-ID.
 *
 * The service parses names and builds them from its keys; the clients (the
 * signer's `submitted`, a verifier's `delivered`) build them with
 * progressNode from a JID as they hold it. One builder, so a name a client
 * publishes to is always one the service parses.
 *
 * References: PROTOCOL.md §6 (node names), §3.2 (linear parsing); RFC 7622 §3 (JIDs); RFC 5322 §2.1.1 (998 octets).
 */
import { bareJid, parseUserJid } from "./jid.js";

export const NODE_PREFIX = "progress/";
const MAX_MESSAGE_ID = 998;

/** A node's key: the owner's bare JID (lower case) and the Message-ID without angle brackets. */
export interface NodeKey {
  owner: string;
  messageId: string;
}

export function nodeName(key: NodeKey): string {
  return `${NODE_PREFIX}${key.owner}/${key.messageId}`;
}

/** The node of `owner`'s message as a client names it: `owner` in any case, a resource dropped; `messageId` without angle brackets. */
export function progressNode(owner: string, messageId: string): string {
  return nodeName({ owner: bareJid(owner), messageId });
}

/**
 * The key a node name stands for; undefined when no node can have that name:
 * another prefix, an empty part, a JID that is not a bare user JID in lower
 * case (only the lower-case spelling names a node, so no two names alias),
 * or a Message-ID with white space or over 998 characters.
 */
export function parseNodeName(node: string | undefined): NodeKey | undefined {
  if (!node?.startsWith(NODE_PREFIX)) return undefined;
  const slash = node.indexOf("/", NODE_PREFIX.length);
  if (slash === -1) return undefined;
  const owner = node.slice(NODE_PREFIX.length, slash);
  const messageId = node.slice(slash + 1);
  if (owner === "" || parseUserJid(owner) !== owner) return undefined;
  if (messageId === "" || messageId.length > MAX_MESSAGE_ID || /\s/.test(messageId)) return undefined;
  return { owner, messageId };
}
