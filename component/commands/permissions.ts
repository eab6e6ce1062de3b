/**
 * Who may run which command (PROTOCOL.md §8): admins everything; with
 * self-service on, a user of a user domain the self-service commands, for
 * itself only (each command fixes its `jid` field to the actor's bare JID).
 * Anyone else nothing, so they see no commands and get `forbidden`.
 *
 * References: PROTOCOL.md §8, §10 (rights from the bare JID alone).
 */
import { bareJid, domainOf } from "../../protocol/jid.js";
import type { CommandInvoker, CommandDef } from "./command-types.js";

export interface PermissionConfig {
  admins: string[];
  userDomains: string[];
  selfService: boolean;
}

export interface Permissions {
  actor(from: string): CommandInvoker;
  mayRun(command: Pick<CommandDef, "selfService">, actor: CommandInvoker): boolean;
}

export function permissions(config: PermissionConfig): Permissions {
  const admins = new Set(config.admins.map((a) => a.toLowerCase()));
  const userDomains = new Set(config.userDomains.map((d) => d.toLowerCase()));
  return {
    actor(from) {
      const jid = bareJid(from);
      return { jid, admin: admins.has(jid) };
    },
    mayRun(command, actor) {
      if (actor.admin) return true;
      // A domain's own JID (no localpart) is a server, not a user.
      const isUser = actor.jid.includes("@") && userDomains.has(domainOf(actor.jid));
      return config.selfService && command.selfService && isUser;
    },
  };
}
