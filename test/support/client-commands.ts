/**
 * Runs XSMTP ad-hoc commands (XEP-0050) from a logged-in @xmpp/client, for
 * the end-to-end tests: one request at a time, with the reply's status,
 * sessionid, note and result fields pulled out.
 *
 * References: XEP-0050 §3, XEP-0004 §3.
 */
import { xml, type Client } from "@xmpp/client";
import type xmlNs from "@xmpp/xml";
import { NS_CMD, node, type CommandCall } from "./command-stanzas.js";

export const SERVICE = "xsmtp.example.org";

export interface CommandReply {
  element: xmlNs.Element;
  status: string;
  sessionid: string;
  note: string | undefined;
  /** Field values of the reply's form (empty when there is none). */
  fields: Record<string, string[]>;
}

export async function runCommand(client: Client, name: string, call: CommandCall = {}): Promise<CommandReply> {
  const attrs: Record<string, string> = { xmlns: NS_CMD, node: node(name) };
  if (call.action) attrs.action = call.action;
  if (call.sessionid) attrs.sessionid = call.sessionid;
  const form = call.fields
    ? [xml("x", { xmlns: "jabber:x:data", type: "submit" },
        ...Object.entries(call.fields).map(([v, values]) => xml("field", { var: v }, ...[values].flat().map((x) => xml("value", {}, x)))))]
    : [];
  const reply = await client.iqCaller.request(xml("iq", { type: "set", to: SERVICE }, xml("command", attrs, ...form)));
  const command = reply.getChild("command", NS_CMD)!;
  const fields: Record<string, string[]> = {};
  for (const f of command.getChild("x", "jabber:x:data")?.getChildren("field") ?? []) {
    fields[f.attrs.var as string] = f.getChildren("value").map((v) => v.text());
  }
  return {
    element: reply,
    status: command.attrs.status as string,
    sessionid: command.attrs.sessionid as string,
    note: command.getChildText("note") ?? undefined,
    fields,
  };
}

/** Starts a command, then sends each step in the same session; returns the last reply. */
export async function runSteps(client: Client, name: string, steps: CommandCall[]): Promise<CommandReply> {
  let reply = await runCommand(client, name);
  for (const step of steps) reply = await runCommand(client, name, { ...step, sessionid: reply.sessionid });
  return reply;
}

/** The stanza error a request was refused with: condition and application condition. */
export async function refusal(request: Promise<unknown>): Promise<{ condition: string; app: string | undefined }> {
  try {
    await request;
  } catch (error) {
    const e = error as { condition?: string; application?: { name: string } };
    if (e.condition) return { condition: e.condition, app: e.application?.name };
    throw error;
  }
  throw new Error("the request was not refused");
}
