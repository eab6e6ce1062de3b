/**
 * The milter over sockets: listens on "inet:host:port" or "unix:/path" (the
 * forms Postfix's smtpd_milters uses), runs one session per connection,
 * handles its packets strictly in order, and destroys only the connection
 * whose bytes were bad. Reading pauses while a command is handled, so a slow
 * policy holds back Postfix instead of filling memory.
 *
 * References: Postfix MILTER_README (milter endpoint syntax, milter timeouts);
 * Postfix src/milter/milter8.c (milter8_connect: inet and unix transports).
 */
import { chmod, lstat, unlink } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { DEFAULT_MAX_PACKET } from "./milter-constants.js";
import { MilterPacketDecoder } from "./milter-codec.js";
import { parseCommand, type MilterCommand } from "./milter-messages.js";
import { MilterSession, type SessionOptions } from "./milter-session.js";

export type MilterAddress = { kind: "inet"; host: string; port: number } | { kind: "unix"; path: string };

/** "inet:127.0.0.1:8891", "inet:[::1]:8891" or "unix:/run/xsmtp/milter.sock"; otherwise why not, as a sentence. */
export function parseMilterAddress(text: string): MilterAddress | string {
  if (text.startsWith("unix:")) {
    const path = text.slice(5);
    return path.startsWith("/") ? { kind: "unix", path } : `unix milter address needs an absolute path: ${text}`;
  }
  if (!text.startsWith("inet:")) return `milter address must start with inet: or unix: (${text})`;
  const rest = text.slice(5);
  const colon = rest.lastIndexOf(":");
  const host = rest.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  const portText = rest.slice(colon + 1);
  const port = Number(portText);
  if (colon <= 0 || host === "" || !/^[0-9]{1,5}$/.test(portText) || port > 65535) return `inet milter address needs host:port (${text})`;
  return { kind: "inet", host, port };
}

export type MilterServerEvent =
  | { type: "connection"; id: number }
  | { type: "protocolError"; id: number; error: string }
  | { type: "policyError"; id: number; error: unknown }
  | { type: "closed"; id: number };

export interface MilterServerOptions extends SessionOptions {
  address: MilterAddress;
  maxPacket?: number;
  /** Closes a connection silent for this long (default 10 min, above Postfix's 300 s content timeout). */
  idleTimeoutMs?: number;
  /**
   * Mode of a unix socket (default 0o660). Postfix connects as its mail_owner
   * ("postfix"): give the socket a group that user is in, or use 0o666 in a
   * directory only trusted users can reach.
   */
  socketMode?: number;
  onEvent?: (event: MilterServerEvent) => void;
}

export interface MilterServer {
  /** The bound port for inet (useful with port 0), the path for unix. */
  readonly port: number | undefined;
  close(): Promise<void>;
}

export async function startMilterServer(options: MilterServerOptions): Promise<MilterServer> {
  const sockets = new Set<Socket>();
  let nextId = 1;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true); // replies are whole and small: send each at once (no-op on unix sockets)
    socket.once("close", () => sockets.delete(socket));
    serveConnection(socket, nextId++, options);
  });
  if (options.address.kind === "unix") await removeStaleSocket(options.address.path);
  await listen(server, options.address);
  if (options.address.kind === "unix") await chmod(options.address.path, options.socketMode ?? 0o660);
  const bound = server.address();
  return {
    port: typeof bound === "object" && bound ? bound.port : undefined,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function serveConnection(socket: Socket, id: number, options: MilterServerOptions): void {
  const emit = (event: MilterServerEvent) => options.onEvent?.(event);
  const decoder = new MilterPacketDecoder(options.maxPacket ?? DEFAULT_MAX_PACKET);
  const session = new MilterSession(options);
  const queue: MilterCommand[] = [];
  let running = false;
  const abandon = (error: string) => {
    emit({ type: "protocolError", id, error });
    queue.length = 0;
    socket.destroy();
  };
  const drain = async () => {
    running = true;
    socket.pause();
    while (queue.length > 0 && !socket.destroyed) {
      const output = await session.handle(queue.shift()!);
      if (output.policyError !== undefined) emit({ type: "policyError", id, error: output.policyError });
      if (output.close === "error") return abandon(output.error ?? "protocol error");
      // One write per batch (e.g. INSHEADER, CHGHEADER, ACCEPT): separate small writes
      // would wait on Nagle for Postfix's delayed ACK, about 40 ms a message over TCP.
      if (output.replies.length > 0) socket.write(output.replies.length === 1 ? output.replies[0]! : Buffer.concat(output.replies));
      if (output.close === "quit") return void socket.end();
    }
    running = false;
    socket.resume();
  };
  emit({ type: "connection", id });
  socket.setTimeout(options.idleTimeoutMs ?? 600_000, () => abandon("idle timeout"));
  socket.on("error", () => socket.destroy()); // a reset by the MTA ends this connection only
  socket.on("close", () => emit({ type: "closed", id }));
  socket.on("data", (chunk: Buffer) => {
    const packets = decoder.push(chunk);
    if (typeof packets === "string") return abandon(packets);
    for (const packet of packets) {
      const command = parseCommand(packet);
      if (typeof command === "string") return abandon(command);
      queue.push(command);
    }
    if (!running) void drain().catch((error: unknown) => abandon(`session failed: ${String(error)}`));
  });
}

function listen(server: Server, address: MilterAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    const done = () => (server.off("error", reject), resolve());
    if (address.kind === "unix") server.listen(address.path, done);
    else server.listen(address.port, address.host, done);
  });
}

// A socket file left by a previous run would make listen fail with EADDRINUSE.
async function removeStaleSocket(path: string): Promise<void> {
  const stat = await lstat(path).catch(() => undefined);
  if (stat?.isSocket()) await unlink(path);
}
