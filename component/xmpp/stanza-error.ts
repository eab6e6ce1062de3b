/**
 * Builds the `<error/>` child of an IQ error reply. Adapters map their domain
 * errors to a WireError through one table and hand it here; nothing else
 * writes error XML. The tables are built once and answer many requests, so
 * each reply gets its own copy of the application condition: an element
 * belongs to one parent.
 *
 * References: RFC 6120 §8.3 (stanza errors), §8.3.3 (defined conditions), §8.4 (application-specific conditions).
 */
import xml from "@xmpp/xml";
import { NS_STANZAS } from "../../protocol/namespaces.js";

export type ErrorType = "auth" | "cancel" | "continue" | "modify" | "wait";

/** [type, defined condition, application-specific condition element?, text?] */
export type WireError = readonly [ErrorType, string, xml.Element?, string?];

export function stanzaError([type, condition, appCondition, text]: WireError): xml.Element {
  return xml(
    "error",
    { type },
    xml(condition, { xmlns: NS_STANZAS }),
    text ? xml("text", { xmlns: NS_STANZAS }, text) : undefined,
    appCondition && copy(appCondition),
  );
}

/** Application-specific conditions of one namespace, for an adapter's table: `conditionsIn(NS_COMMANDS)("bad-action")`. */
export function conditionsIn(xmlns: string) {
  return (name: string, attrs: Record<string, string> = {}): xml.Element => xml(name, { xmlns, ...attrs });
}

function copy(el: xml.Element): xml.Element {
  return xml(el.name, { ...el.attrs }, ...el.children.map((c) => (typeof c === "string" ? c : copy(c))));
}

export function isErrorElement(el: unknown): el is xml.Element {
  return el instanceof xml.Element && el.name === "error";
}
