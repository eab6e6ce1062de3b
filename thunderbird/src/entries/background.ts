/**
 * Background entry of the bundle: wires the controller to Thunderbird's
 * `messenger` and the WebSocket session.
 *
 * References: RFC 7395; XEP-0156; THUNDERBIRD.md.
 */
import { BackgroundController } from "../background-controller.js";
import { findWebSocketUrl } from "../host-meta.js";
import type { Messenger } from "../messenger-types.js";
import { installTestHook } from "../test-hook.js";
import { openWebSocketSession } from "../websocket-session.js";

declare const messenger: Messenger;
declare const XSMTP_TEST_HOOK: boolean;

const controller = new BackgroundController(messenger, {
  connect: openWebSocketSession,
  findWebSocketUrl: (domain) => findWebSocketUrl(domain),
  warn: (message) => console.warn(`XSMTP: ${message}`),
});
if (XSMTP_TEST_HOOK) installTestHook(controller);
controller.start().catch((err) => console.error("XSMTP: could not start", err));
