/**
 * Reads a message's progress node as its owner would, from a Jabber client
 * session, until it holds the expected number of items (`delivered` is
 * published after the receiving gateway answered Postfix, so it may lag).
 *
 * References: PROTOCOL.md §6; XEP-0060 §6.5.
 */
import { xml } from "@xmpp/client";
import { openSession } from "../../mail/xmpp/xmpp-session.js";
import { NS_PROGRESS } from "../../protocol/namespaces.js";
import { progressNode } from "../../protocol/progress-node.js";

export interface SeenStage {
  stage: string;
  by: string;
  /** submitted: its recipient domains, comma-separated. */
  domains?: string;
}

export async function progressStages(c2sPort: number, jid: string, password: string, messageId: string, count: number, service = "xsmtp.example.org"): Promise<SeenStage[]> {
  const session = await openSession({ jid, password, server: `xmpp://127.0.0.1:${c2sPort}`, timeout: 10_000 });
  try {
    let stages: SeenStage[] = [];
    for (let i = 0; i < 50; i++) {
      const reply = await session.request("get", service, xml("pubsub", { xmlns: "http://jabber.org/protocol/pubsub" }, xml("items", { node: progressNode(jid, messageId) })));
      const items = reply.getChild("pubsub")?.getChild("items")?.getChildren("item") ?? [];
      stages = items.map((item) => {
        const p = item.getChild("progress", NS_PROGRESS)!;
        const domains = p.getChildren("recipient-domain").map((d) => d.text());
        return { stage: String(p.attrs.stage), by: String(p.attrs.by), ...(domains.length ? { domains: domains.join(",") } : {}) };
      });
      if (stages.length >= count) return stages;
      await new Promise((r) => setTimeout(r, 100));
    }
    return stages;
  } finally {
    await session.close();
  }
}
