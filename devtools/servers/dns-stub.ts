// A DNS server that answers every query NXDOMAIN, for federated test servers.
//
// Prosody resolves peers through libunbound, reading names from a hosts file
// but still asking DNS for the SRV records first; with nothing answering at the
// forwarder, each look-up stalls about 17 s before falling back to the hosts
// file. An immediate NXDOMAIN makes the fallback instant.
import { createSocket } from "node:dgram";

export interface DnsStub {
  port: number;
  /** Queries answered so far. */
  queries(): number;
  close(): Promise<void>;
}

/** The reply to a DNS query: the query itself, flagged as an NXDOMAIN response, with only its question. */
export function nxdomain(query: Buffer): Buffer | undefined {
  if (query.length < 12) return undefined;
  const reply = Buffer.from(query);
  // QR=1, opcode 0, RD=1, RA=1, RCODE=3 (NXDOMAIN).
  reply.writeUInt16BE(0x8183, 2);
  reply.writeUInt16BE(0, 6); // ANCOUNT
  reply.writeUInt16BE(0, 8); // NSCOUNT
  reply.writeUInt16BE(0, 10); // ARCOUNT
  // Drop any additional records (an EDNS OPT) after the question, since ARCOUNT is now 0.
  let end = 12;
  for (let q = query.readUInt16BE(4); q > 0 && end < reply.length; q--) {
    while (end < reply.length && reply[end] !== 0) end += reply[end]! + 1;
    end += 1 + 4; // the root label, QTYPE, QCLASS
  }
  return reply.subarray(0, Math.min(end, reply.length));
}

/** Listens on 127.0.0.1 on a free UDP port. */
export function startDnsStub(): Promise<DnsStub> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    let count = 0;
    socket.on("message", (msg, rinfo) => {
      const reply = nxdomain(msg);
      if (!reply) return;
      count++;
      socket.send(reply, rinfo.port, rinfo.address);
    });
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      socket.unref();
      resolve({
        port: socket.address().port,
        queries: () => count,
        close: () => new Promise((done) => socket.close(() => done())),
      });
    });
  });
}
