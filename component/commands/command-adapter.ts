/**
 * `<command xmlns='http://jabber.org/protocol/commands'/>` on the wire: reads
 * node, action, sessionid and the submitted form, hands them to the session
 * core, and renders its plain reply (status, sessionid on every reply,
 * actions, notes, form). Domain errors become wire errors in one table.
 *
 * References: XEP-0050 §3.4 (execution, actions), §3.5 (cancel), §4.3 (notes),
 * §4.6 (Possible Errors), XEP-0004 §3.1 (forms).
 */
import xml from "@xmpp/xml";
import { parseForm } from "../forms/parse-form.js";
import { renderForm } from "../forms/render-form.js";
import type { IqRequest } from "../xmpp/iq-router.js";
import { conditionsIn, stanzaError, type WireError } from "../xmpp/stanza-error.js";
import type { CommandError, CommandReply } from "./command-types.js";
import type { CommandSessions } from "./session-core.js";
import { NS_COMMANDS, NS_DATA } from "../../protocol/namespaces.js";

const cmd = conditionsIn(NS_COMMANDS);

/** XEP-0050 §4.6, plus the bound on sessions (RFC 6120 §8.3.3.18). */
const wireErrors: Record<CommandError, WireError> = {
  "item-not-found": ["cancel", "item-not-found"],
  forbidden: ["cancel", "forbidden"],
  "bad-sessionid": ["modify", "bad-request", cmd("bad-sessionid")],
  "session-expired": ["cancel", "not-allowed", cmd("session-expired")],
  "malformed-action": ["modify", "bad-request", cmd("malformed-action")],
  "bad-action": ["modify", "bad-request", cmd("bad-action")],
  "too-many-sessions": ["wait", "resource-constraint"],
};

export function commandHandler(sessions: CommandSessions) {
  return async ({ from, payload }: IqRequest) => {
    const { node, action, sessionid } = payload.attrs;
    if (!node) return stanzaError(wireErrors["item-not-found"]);
    // The first data form child is the submission; other payloads are not used by these commands.
    const form = parseForm(payload.getChild("x", NS_DATA));
    const reply = await sessions.handle({
      from,
      node,
      action,
      // An empty sessionid is no session (XEP-0050 §4.1: it "MUST NOT be empty").
      sessionId: sessionid || undefined,
      form: form ? form.values : null,
    });
    return typeof reply === "string" ? stanzaError(wireErrors[reply]) : renderCommand(reply);
  };
}

export function renderCommand(reply: CommandReply): xml.Element {
  const el = xml("command", { xmlns: NS_COMMANDS, node: reply.node, sessionid: reply.sessionId, status: reply.status });
  if (reply.actions) {
    el.append(xml("actions", { execute: reply.actions.execute }, ...reply.actions.allowed.map((a) => xml(a))));
  }
  if (reply.note) el.append(xml("note", { type: reply.note.type }, reply.note.text));
  if (reply.form) el.append(renderForm(reply.form));
  return el;
}
