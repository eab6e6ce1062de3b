/**
 * Which balancing slot of an ejabberd component domain each user's stanzas
 * land on (domain_balancing bare_source: a hash of the sender's bare JID
 * modulo component_number), found by asking rather than by reimplementing
 * erlang:phash2: `n` throwaway connections answer a probe with their own
 * number, each user sends probes until one is answered (right after the
 * handshakes another node's route table may lag, and a stanza for a slot
 * it does not know yet is dropped without an error). Which connection holds
 * which slot is arbitrary; who shares a slot is fixed by the names and `n`,
 * whatever the destination domain.
 */
import { component } from "@xmpp/component";
import xml from "@xmpp/xml";
import type { Client } from "@xmpp/client";

const NS_PROBE = "urn:xsmtp:bench:slot";

/** For each user (by bare JID), the number of the connection that answered; the same number means the same slot. */
export async function probeSlots(
  users: Map<string, Client>,
  target: { port: number; domain: string; secret: string; n: number },
): Promise<Map<string, number>> {
  const connections = [];
  for (let i = 0; i < target.n; i++) {
    const c = component({ service: `xmpp://127.0.0.1:${target.port}`, domain: target.domain, password: target.secret });
    c.reconnect.stop();
    c.on("error", () => {});
    c.iqCallee.get(NS_PROBE, "slot", () => xml("slot", { xmlns: NS_PROBE, n: String(i) }));
    await c.start();
    connections.push(c);
  }
  try {
    const slots = new Map<string, number>();
    await Promise.all(
      [...users].map(async ([jid, client]) => {
        for (let attempt = 0; attempt < 20; attempt++) {
          const reply = await client.iqCaller.request(xml("iq", { type: "get", to: target.domain }, xml("slot", { xmlns: NS_PROBE })), 500).catch(() => undefined);
          const n = reply?.getChild("slot", NS_PROBE)?.attrs.n;
          if (n !== undefined) return void slots.set(jid, Number(n));
        }
        throw new Error(`${jid}'s probes to ${target.domain} went unanswered for 10 s`);
      }),
    );
    return slots;
  } finally {
    await Promise.all(connections.map((c) => c.stop().catch(() => undefined)));
  }
}

/**
 * `size` of the users such that, for every instance count, each slot gets
 * the same share (size / n): a closed loop spread over them then loads every
 * instance alike. `slots[k]` is probeSlots' answer for `counts[k]`.
 * Undefined when the users do not allow it.
 */
export function evenUsers(users: string[], counts: number[], slots: Map<string, number>[], size: number): string[] | undefined {
  // Users alike in every count's slot are interchangeable: search over those groups.
  const groups = new Map<string, string[]>();
  for (const u of users) {
    const key = slots.map((s) => s.get(u)).join(",");
    groups.set(key, [...(groups.get(key) ?? []), u]);
  }
  const cells = [...groups.entries()].map(([key, members]) => ({ slots: key.split(",").map(Number), members }));
  const room = counts.map((n) => Array<number>(n).fill(size / n));
  const take: number[] = [];
  const search = (cell: number): boolean => {
    if (cell === cells.length) return room.every((r) => r.every((left) => left === 0));
    const { slots: at, members } = cells[cell]!;
    const most = Math.min(members.length, ...at.map((slot, k) => room[k]![slot]!));
    for (let x = most; x >= 0; x--) {
      at.forEach((slot, k) => (room[k]![slot]! -= x));
      take[cell] = x;
      if (search(cell + 1)) return true;
      at.forEach((slot, k) => (room[k]![slot]! += x));
    }
    return false;
  };
  if (counts.some((n) => size % n !== 0) || !search(0)) return undefined;
  return cells.flatMap((c, i) => c.members.slice(0, take[i]));
}
