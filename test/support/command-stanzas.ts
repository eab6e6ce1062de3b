/**
 * Builds ad-hoc command requests (XEP-0050) for whole-stanza tests, and the
 * envelope of the expected replies, so tests spell out the `<command/>`
 * itself and nothing else.
 */
import type xml from "@xmpp/xml";
import type { Harness } from "./stanza-harness.js";

export const NS_CMD = "http://jabber.org/protocol/commands";
export const node = (name: string) => `urn:xmpp:xsmtp:0#${name}`;

export interface CommandCall {
  action?: string;
  sessionid?: string;
  /** Field values to submit in a `type='submit'` form. */
  fields?: Record<string, string | string[]>;
}

let n = 0;

export function commandIq(id: string, from: string, name: string, call: CommandCall = {}): string {
  const attrs = [`xmlns='${NS_CMD}'`, `node='${node(name)}'`];
  if (call.action) attrs.push(`action='${call.action}'`);
  if (call.sessionid) attrs.push(`sessionid='${call.sessionid}'`);
  const fields = Object.entries(call.fields ?? {})
    .map(([k, v]) => `<field var='${k}'>${[v].flat().map((x) => `<value>${x}</value>`).join("")}</field>`)
    .join("");
  const form = call.fields ? `<x xmlns='jabber:x:data' type='submit'>${fields}</x>` : "";
  return `<iq type='set' id='${id}' from='${from}' to='xsmtp.example.org'><command ${attrs.join(" ")}>${form}</command></iq>`;
}

/** Sends one command request; returns the reply, its id and its sessionid. */
export async function command(h: Harness, from: string, name: string, call: CommandCall = {}) {
  const id = `c${++n}`;
  const reply = await h.request(commandIq(id, from, name, call));
  const sessionid = reply?.getChild("command", NS_CMD)?.attrs.sessionid as string | undefined;
  return { id, reply: reply as xml.Element, sessionid: sessionid ?? "" };
}

export const resultIq = (id: string, to: string, inner: string) =>
  `<iq type='result' id='${id}' to='${to}' from='xsmtp.example.org'>${inner}</iq>`;

export const errorIq = (id: string, to: string, request: string, error: string) =>
  `<iq type='error' id='${id}' to='${to}' from='xsmtp.example.org'>${request}${error}</iq>`;

export const formType = (name: string) => `<field var='FORM_TYPE' type='hidden'><value>${node(name)}</value></field>`;

/** The value of one field of the form in a command reply. */
export function fieldValues(reply: xml.Element, name: string): string[] {
  const x = reply.getChild("command", NS_CMD)?.getChild("x", "jabber:x:data");
  const field = x?.getChildren("field").find((f) => f.attrs.var === name);
  return field ? field.getChildren("value").map((v) => v.text()) : [];
}
