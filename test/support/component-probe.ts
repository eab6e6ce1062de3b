// Attaches an XEP-0114 component to a private server and records how the
// server answered the handshake, so tests can assert (and document) what each
// server does with a right secret, a wrong one, or a second connection.
import { component, type Component } from "@xmpp/component";

export interface ComponentAttempt {
  xmpp: Component;
  /** "online", or the stream error condition the server sent (e.g. "not-authorized"). */
  outcome: string;
  /** The stream error's <text/>, if any. */
  text?: string;
  /** Every status change and error, in order ("status:open", "error:conflict", ...). */
  events: string[];
}

export async function attachComponent(options: {
  port: number;
  domain?: string;
  secret: string;
}): Promise<ComponentAttempt> {
  const xmpp = component({
    service: `xmpp://127.0.0.1:${options.port}`,
    domain: options.domain ?? "xsmtp.example.org",
    password: options.secret,
  });
  xmpp.reconnect.stop(); // a refused handshake must not be retried forever
  const events: string[] = [];
  xmpp.on("status", (status: string) => events.push(`status:${status}`));
  xmpp.on("error", (error: Error & { condition?: string }) =>
    events.push(`error:${error.condition ?? error.message}`),
  );
  try {
    await xmpp.start();
    return { xmpp, outcome: xmpp.status, events };
  } catch (error) {
    const e = error as Error & { condition?: string; text?: string };
    if (e.name !== "StreamError") throw error;
    return { xmpp, outcome: e.condition ?? "unknown", text: e.text || undefined, events };
  }
}

/** Stops a component; never throws. */
export async function detachComponent(attempt: ComponentAttempt): Promise<void> {
  await attempt.xmpp.stop().catch(() => {});
}
