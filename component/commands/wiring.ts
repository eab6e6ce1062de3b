/**
 * Wires the ad-hoc commands: the nine commands of PROTOCOL.md §8 on the
 * IdentityCore that `xsmtp user` also uses, the session core with the
 * configured timeout, the `<command/>` handler and the disco entries.
 *
 * References: XEP-0050 §2 (discovery), §3 (execution), PROTOCOL.md §8.
 */
import type { IdentityCore } from "../keys/identity-core.js";
import type { ServiceContext } from "../service-context.js";
import type { IqRequest } from "../xmpp/iq-router.js";
import { NS_COMMANDS } from "../../protocol/namespaces.js";
import { commandHandler } from "./command-adapter.js";
import { commandInfo, commandItems } from "./command-disco.js";
import type { CommandDef } from "./command-types.js";
import { keyCommands } from "./key-commands.js";
import { listUsers } from "./list-users.js";
import { permissions } from "./permissions.js";
import { CommandSessions } from "./session-core.js";
import { statsCommand } from "./stats.js";
import { userCommands } from "./user-commands.js";

export interface CommandOptions {
  /** Counts progress nodes for stats; the progress feature provides it. */
  progressNodes?: () => Promise<number>;
  /** Verifications by result and reason for stats; the verification feature provides it. */
  resultCounts?: () => Promise<{ result: string; reason: string; n: number }[]>;
}

export function wireCommands(ctx: ServiceContext, core: IdentityCore, options: CommandOptions = {}): CommandSessions {
  const { config, clock, log, router, disco } = ctx;
  const commands = [
    ...keyCommands(core),
    ...userCommands(core),
    listUsers(core),
    statsCommand({ core, clock, startedAt: clock.now(), progressNodes: options.progressNodes, resultCounts: options.resultCounts }),
  ] as CommandDef[];
  const sessions = new CommandSessions(commands, permissions(config), { clock, timeoutS: config.sessionTimeout });
  const handle = commandHandler(sessions);

  disco.addFeature(NS_COMMANDS);
  disco.addNodeItems(commandItems(sessions, config.domain));
  disco.addNodeInfo(commandInfo(sessions));
  router.set(NS_COMMANDS, "command", async (request: IqRequest) => {
    const reply = await handle(request);
    // Who ran what and how it ended; never the form, which may hold a secret.
    log.info({ from: request.from, node: request.payload.attrs.node, action: request.payload.attrs.action, status: reply.attrs.status ?? "error" }, "command");
    return reply;
  });
  return sessions;
}
