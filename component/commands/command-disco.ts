/**
 * The commands in service discovery: the commands node lists only what the
 * requester may run, and each command node answers disco#info for those
 * who may run it; to anyone else it does not exist (item-not-found), so
 * disco never advertises a command that would answer forbidden.
 *
 * References: XEP-0050 §2.1 (support), §2.2 (retrieving the command list),
 * §2.3 (command node info), XEP-0030 §3.2 (item-not-found).
 */
import type { NodeInfoProvider, NodeItemsProvider } from "../discovery/registry.js";
import { COMMAND_NODE_PREFIX, NS_COMMANDS, NS_DATA } from "../../protocol/namespaces.js";
import { nodeOf } from "./command-types.js";
import type { CommandSessions } from "./session-core.js";

export function commandItems(sessions: CommandSessions, serviceJid: string): NodeItemsProvider {
  return (node, requester) => {
    if (node !== NS_COMMANDS) return undefined;
    return sessions.available(requester).map((c) => ({ jid: serviceJid, node: nodeOf(c.name), name: c.title }));
  };
}

export function commandInfo(sessions: CommandSessions): NodeInfoProvider {
  return (node, requester) => {
    if (node === NS_COMMANDS) {
      return { identities: [{ category: "automation", type: "command-list", name: "Commands" }], features: [NS_COMMANDS], forms: [] };
    }
    if (!node.startsWith(COMMAND_NODE_PREFIX)) return undefined;
    const command = sessions.command(node, requester);
    if (!command) return "item-not-found";
    return {
      identities: [{ category: "automation", type: "command-node", name: command.title }],
      features: [NS_COMMANDS, NS_DATA],
      forms: [],
    };
  };
}
