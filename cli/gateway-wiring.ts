/**
 * Starts the mail gateway inside `xsmtp run` when XSMTP_MILTER is set: one
 * daemon, one configuration. The gateway's policy (mail/gateway/) declares
 * what it needs from the service; this file adapts the running service's
 * features to it (component/ never imports mail/):
 * identities and the `gateway` key from the keys feature, in-process IQs
 * through the service's own router, progress through the progress core as
 * the service itself, and remote IQs on the component's own stream.
 *
 * References: mail/gateway/README.md; PROTOCOL.md §5, §6; XEP-0114.
 */
import { hostname } from "node:os";
import { xml } from "@xmpp/client";
import type XmlElement from "@xmpp/xml";
import { ConfigError, type Config } from "../component/config/config.js";
import type { Logger } from "../component/log/logger.js";
import { nodeName, parseNodeName } from "../protocol/progress-node.js";
import type { RunningService } from "../component/service.js";
import { decodeSecret } from "../signature/index.js";
import { GatewayPolicy, IQ_TIMEOUT_MS, VERIFY_DEADLINE_MS, type GatewayKey, type GatewayService, type OwnProgress } from "../mail/gateway/index.js";
import { parseMilterAddress, startMilterServer, type MilterServer } from "../mail/milter/index.js";

export const GATEWAY_KEY_LABEL = "gateway";

export async function startGateway(running: RunningService, config: Config, log: Logger): Promise<MilterServer> {
  const address = parseMilterAddress(config.milter!);
  if (typeof address === "string") throw new ConfigError(`XSMTP_MILTER is invalid: ${address}`);
  const policy = new GatewayPolicy({
    service: gatewayService(running),
    settings: {
      internalHosts: config.milterInternalHosts,
      authservId: config.milterAuthservId ?? hostname(),
      onFail: config.milterOnFail,
      onTemperror: config.milterOnTemperror,
      verifyDeadlineMs: VERIFY_DEADLINE_MS,
    },
    log: { info: (fields, message) => log.info(fields, message), warn: (fields, message) => log.warn(fields, message) },
  });
  const server = await startMilterServer({
    address,
    policy,
    // A failure of ours must not stop mail: the same choice as for a service that cannot answer.
    onPolicyError: config.milterOnTemperror === "tempfail" ? { verdict: { type: "tempfail" } } : { verdict: { type: "continue" } },
    onEvent: (event) => {
      if (event.type === "protocolError") log.warn({ connection: event.id, reason: event.error }, "milter protocol error");
      if (event.type === "policyError") log.error({ connection: event.id, err: event.error }, "gateway policy failed");
    },
  });
  log.info({ milter: config.milter }, "mail gateway listening");
  return server;
}

export function gatewayService(running: RunningService): GatewayService {
  const { context, features, connection } = running;
  const { store, config } = context;
  const core = features.identities.core;
  const keys = features.identities.lookup;
  return {
    jid: config.domain,
    userDomains: config.userDomains,
    async identityFor(address) {
      const jids = await store.identity.identitiesForAddress(address.toLowerCase());
      // Two identities allowed the same address: only the one whose JID it is may claim it.
      return jids.length === 1 ? jids[0] : jids.find((j) => j === address.toLowerCase());
    },
    async gatewayKey(jid): Promise<GatewayKey | "revoked"> {
      const info = await core.info(jid);
      const mine = typeof info === "string" ? [] : info.keys.filter((k) => k.label === GATEWAY_KEY_LABEL);
      const active = mine.find((k) => k.state === "active");
      if (active) {
        const found = await keys.signingKey(jid, active.keyId);
        if (typeof found !== "string") return { keyId: active.keyId, secret: found.secret };
      }
      if (mine.length > 0) return "revoked";
      const issued = await core.addKey(jid, GATEWAY_KEY_LABEL);
      if (typeof issued === "string") throw new Error(`cannot create a gateway key for ${jid}: ${issued}`);
      return { keyId: issued.keyId, secret: decodeSecret(issued.secret)! };
    },
    async ask(type, payload) {
      const reply = await context.router.dispatch({ from: config.domain, to: config.domain, type, id: "gateway", payload });
      if (reply !== true && reply?.name === "error") throw { condition: reply.getChildElements()[0]?.name ?? "undefined-condition" };
      if (reply === undefined) throw { condition: "service-unavailable" };
      return xml("iq", { type: "result", from: config.domain, to: config.domain }, ...(reply === true ? [] : [reply]));
    },
    // Queued to the service's group commit, as verification's writes are:
    // committed at the end of this event-loop turn, so before any reply to
    // the mail can come back (a verify IQ for it is read in a later turn,
    // and must find submitted's recipient domains for replay detection);
    // messages ending in the same turn share the commit, and notifications
    // leave once it is done. Loss window: that one turn.
    async publish(owner, messageId, events: readonly OwnProgress[]) {
      const key = { owner, messageId };
      if (!parseNodeName(nodeName(key))) throw new Error(`no progress node can be named for ${owner} and this Message-ID`);
      await store.writes.run(async (tx) => {
        const progress = features.progress.core.using(tx.progress);
        for (const event of events) {
          const recipients = event.recipients === undefined ? {} : { recipients: event.recipients };
          const item = await progress.publishForOwner(key, config.domain, { stage: event.stage, ...recipients, recipientDomains: event.recipientDomains ?? [] });
          if (item === "forbidden") throw new Error(`the gateway cannot publish ${event.stage} for ${owner}`);
        }
      });
    },
    remote: {
      request: (type, to, payload: XmlElement.Element) =>
        connection.xmpp.iqCaller.request(xml("iq", { type, to, from: config.domain }, payload), IQ_TIMEOUT_MS),
    },
  };
}
