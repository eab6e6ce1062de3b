// Logs a test user in to a private server with @xmpp/client 0.14 over plain
// TCP on loopback.
import { client, type Client } from "@xmpp/client";

export interface ClientOptions {
  port: number;
  domain: string;
  username: string;
  password: string;
  resource?: string;
}

/** Resolves once the client is online (authenticated, resource bound). */
export async function connectClient(options: ClientOptions): Promise<Client> {
  const c = client({
    // An IP service gives no domain to derive, so the domain is set explicitly.
    service: `xmpp://127.0.0.1:${options.port}`,
    domain: options.domain,
    username: options.username,
    password: options.password,
    resource: options.resource,
  });
  // A test that stops the server must not leave the client retrying forever.
  c.reconnect.stop();
  // Without a listener, an "error" event (e.g. the server going away) would throw.
  c.on("error", () => {});
  try {
    await c.start();
  } catch (error) {
    await closeClient(c);
    throw error;
  }
  return c;
}

/** Closes the client; never throws, never waits more than `timeoutMs`. */
export async function closeClient(c: Client, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      c.stop(),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
  } catch {
    // Already closed, or the server is gone: either way the client is done.
  } finally {
    clearTimeout(timer);
    // Drop the socket in case stop() timed out with it still open.
    (c as unknown as { socket?: { destroy?(): void } | null }).socket?.destroy?.();
  }
}
