/**
 * Runs the real service (features, router, xmpp.js middleware and iq-callee)
 * without a server: a test feeds a whole stanza in and gets every stanza the
 * service sends back, so unit tests assert complete replies.
 */
import xml from "@xmpp/xml";
import parse from "@xmpp/xml/lib/parse.js";
import { loadConfig, type Config } from "../../component/config/config.js";
import { silentLogger } from "../../component/log/logger.js";
import type { Clock } from "../../component/service-context.js";
import { startService, type RunningService } from "../../component/service.js";
import { randomBytes } from "node:crypto";
import type { Store } from "../../component/store/store.js";
import { openTestStore } from "./test-store.js";
import { TEST_ADMIN, xsmtpEnv } from "../../devtools/xsmtp-env.js";

export interface Harness {
  service: RunningService;
  masterKey: Buffer;
  config: Config;
  clock: Clock & { set(ms: number): void; advance(ms: number): void };
  /** Sends one stanza in; resolves with what the service sent in reply (or nothing after `wait` ms). */
  request(stanza: string | xml.Element, wait?: number): Promise<xml.Element | undefined>;
  /** Every stanza sent so far, including unsolicited ones (notifications). */
  sent: xml.Element[];
  /** Resolves once the deferred bookkeeping (progress items and headlines behind verify answers) is written by its own timer. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export const TEST_CLOCK_START = Date.parse("2026-11-28T10:00:00Z");

/** `store`: the store to run on (default a fresh test store, closed at stop()). */
export async function startHarness(env: Record<string, string> = {}, store?: Store): Promise<Harness> {
  const config = loadConfig({
    env: xsmtpEnv({ admins: TEST_ADMIN, extra: env }),
    require: "component",
  });
  let now = TEST_CLOCK_START;
  const clock = { now: () => now, set: (ms: number) => void (now = ms), advance: (ms: number) => void (now += ms) };
  const masterKey = randomBytes(32);
  const service = startService(config, { log: silentLogger(), clock, store: store ?? (await openTestStore()), masterKey, connect: false });
  const sent: xml.Element[] = [];
  let waiter: ((el: xml.Element) => void) | undefined;
  service.connection.xmpp.send = async (el: xml.Element) => {
    sent.push(el);
    waiter?.(el);
  };
  // The service's own sends (notifications) go through connection.send, which checks it is online.
  Object.defineProperty(service.connection, "online", { get: () => true });

  return {
    service,
    masterKey,
    config,
    clock,
    sent,
    request(stanza, wait = 1000) {
      const el = typeof stanza === "string" ? parse(stanza) : stanza;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          resolve(undefined);
        }, wait);
        waiter = (reply) => {
          if (reply.name === "iq" && reply.attrs.id === el.attrs.id) {
            clearTimeout(timer);
            waiter = undefined;
            resolve(reply);
          }
        };
        service.connection.xmpp.emit("element", el);
      });
    },
    async settled() {
      const deadline = Date.now() + 2000;
      while (service.context.deferred.pending) {
        if (Date.now() > deadline) throw new Error("deferred writes not written within 2 s");
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async stop() {
      await service.stop();
    },
  };
}
