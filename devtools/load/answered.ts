/**
 * Waits until every client gets an answer from every component domain. Right
 * after the handshakes, a component connected to the other node of a cluster
 * may not be in this node's copy of the route table yet, and a stanza for a
 * balancing slot without a known connection is dropped without an error: a
 * measurement started then would count silence. Any answer counts, an IQ
 * error included (the echo component answers disco#info with one).
 */
import xml from "@xmpp/xml";
import type { Client } from "@xmpp/client";
import { NS_DISCO_INFO } from "../../protocol/namespaces.js";

export async function waitAnswered(clients: Client[], domains: string[], timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  await Promise.all(
    clients.flatMap((client) =>
      domains.map(async (to) => {
        for (;;) {
          const iq = xml("iq", { type: "get", to }, xml("query", { xmlns: NS_DISCO_INFO }));
          const outcome = await client.iqCaller.request(iq, 500).then(
            () => "answered",
            (error: Error) => (error.name === "TimeoutError" ? "silent" : "answered"),
          );
          if (outcome === "answered") return;
          if (Date.now() > until) throw new Error(`${to} did not answer a client within ${timeoutMs} ms`);
        }
      }),
    ),
  );
}
