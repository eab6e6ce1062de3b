/** Whole pubsub stanzas for the progress tests (PROTOCOL.md §6), so expectations read like the spec. */
export const SERVICE = "xsmtp.example.org";
export const NS_PUBSUB = "http://jabber.org/protocol/pubsub";
export const NS_PROGRESS = "urn:xmpp:xsmtp:progress:0";
/** Alice's node for m1@example.org (revision 0.1 names nodes by JID and Message-ID; was progress/m1@example.org). */
export const NODE = "progress/alice@example.org/m1@example.org";
const STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
const ERRORS = "http://jabber.org/protocol/pubsub#errors";

export const iq = (type: "get" | "set", id: string, from: string, inner: string) =>
  `<iq type='${type}' id='${id}' from='${from}' to='${SERVICE}'>${inner}</iq>`;
export const result = (id: string, to: string, inner = "") => `<iq type='result' id='${id}' to='${to}' from='${SERVICE}'>${inner}</iq>`;
/** An error reply echoes the request's payload, then the error (RFC 6120 §8.3.1). */
export const errorReply = (id: string, to: string, request: string, type: string, condition: string, app = "") =>
  `<iq type='error' id='${id}' to='${to}' from='${SERVICE}'>${request}<error type='${type}'><${condition} xmlns='${STANZAS}'/>${app}</error></iq>`;
export const pubsubError = (name: string, attrs = "") => `<${name} xmlns='${ERRORS}'${attrs}/>`;

export const pubsub = (inner: string) => `<pubsub xmlns='${NS_PUBSUB}'>${inner}</pubsub>`;
export const publish = (payload: string, node = NODE) => pubsub(`<publish node='${node}'><item>${payload}</item></publish>`);
export const items = (attrs = "", inner = "", node = NODE) => pubsub(`<items node='${node}'${attrs}>${inner}</items>`);

export function progress(stage: string, at: string, by: string, extra = "", children = ""): string {
  return `<progress xmlns='${NS_PROGRESS}' stage='${stage}' at='${at}' by='${by}'${extra}>${children}</progress>`;
}
export const item = (id: string, payload: string) => `<item id='${id}'>${payload}</item>`;

export function headline(to: string, itemXml: string, node = NODE): string {
  return `<message type='headline' from='${SERVICE}' to='${to}'>
    <event xmlns='http://jabber.org/protocol/pubsub#event'><items node='${node}'>${itemXml}</items></event>
  </message>`;
}
