/**
 * Every XML namespace XSMTP speaks, defined once: the service registers its
 * handlers and disco features with these, and the clients, the demo and the
 * bench build and read their stanzas with the same constants, so the two
 * sides cannot drift apart by a typo. Plain strings, no XML library.
 *
 * References: PROTOCOL.md (namespace table at the top), §7 (advertised features).
 */

// References: PROTOCOL.md namespace table, §5 (verify), §6 (progress), §7 (identity form), §8 (command nodes).
/** The XSMTP core: the verify IQ, the `<verification/>` answer, the disco feature and FORM_TYPE. */
export const NS_XSMTP = "urn:xmpp:xsmtp:0";
/** The `<progress/>` payload of progress items. */
export const NS_PROGRESS = "urn:xmpp:xsmtp:progress:0";
/** Ad-hoc command nodes are `urn:xmpp:xsmtp:0#<name>`. */
export const COMMAND_NODE_PREFIX = `${NS_XSMTP}#`;
/** FORM_TYPE of the form on an enrolled identity's disco#info node. */
export const NS_XSMTP_IDENTITY_FORM = `${NS_XSMTP}#identity`;

// References: XEP-0060 §5.1 (pubsub), §7.1.2.1 (#event), §8 (#owner), §7.1.3 (#errors), §10 (features are NS_PUBSUB#name).
export const NS_PUBSUB = "http://jabber.org/protocol/pubsub";
export const NS_PUBSUB_EVENT = `${NS_PUBSUB}#event`;
export const NS_PUBSUB_OWNER = `${NS_PUBSUB}#owner`;
export const NS_PUBSUB_ERRORS = `${NS_PUBSUB}#errors`;

// References: XEP-0030 §3 (disco#info), §4 (disco#items).
export const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";
export const NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items";

// References: XEP-0050 §3 (ad-hoc commands), XEP-0004 §3 (data forms).
export const NS_COMMANDS = "http://jabber.org/protocol/commands";
export const NS_DATA = "jabber:x:data";

// References: XEP-0199 §3 (ping), XEP-0202 §3 (entity time), XEP-0092 §3 (software version).
export const NS_PING = "urn:xmpp:ping";
export const NS_TIME = "urn:xmpp:time";
export const NS_VERSION = "jabber:iq:version";

// References: RFC 6120 §8.3 (stanza error conditions).
export const NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";

// References: XEP-0156 §3 (the link relation naming an XMPP-over-WebSocket endpoint in host-meta).
export const REL_XMPP_WEBSOCKET = "urn:xmpp:alt-connections:websocket";
