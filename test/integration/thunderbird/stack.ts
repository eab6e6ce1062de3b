/**
 * What both real-Thunderbird tests stand on, set up once per describe: a
 * private Prosody with WebSocket (bob@other.org is the reader's account), the
 * component attached to it, a temp dir, and the test build of the .xpi.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import { startProsody, type ProsodyInstance } from "../../../devtools/servers/prosody.js";
import { startTestService, type TestService } from "../../support/in-process-service.js";
import { requireThunderbird } from "./thunderbird-process.js";

const COMPONENT_SECRET = "component-secret-for-thunderbird";
const BUILD = fileURLToPath(new URL("../../../../thunderbird/build/build-xpi.mjs", import.meta.url));

export interface ThunderbirdStack {
  prosody: ProsodyInstance;
  svc: TestService;
  dir: string;
  /** ws:// URL of the private Prosody's XMPP-over-WebSocket endpoint. */
  websocketUrl: string;
  /** Builds the test variant of the add-on into the temp dir; returns its path. */
  buildTestXpi(): string;
}

/** Registers before/after hooks in the calling describe; the fields are set once before() has run. */
export function useThunderbirdStack(dirPrefix: string): ThunderbirdStack {
  const stack = {} as ThunderbirdStack;
  before(async () => {
    requireThunderbird();
    stack.prosody = await startProsody({ componentSecret: COMPONENT_SECRET, websocket: true });
    await stack.prosody.register("bob", "other.org", "bobpass");
    stack.svc = await startTestService(stack.prosody.componentPort, COMPONENT_SECRET);
    stack.dir = mkdtempSync(join(tmpdir(), dirPrefix));
    stack.websocketUrl = `ws://127.0.0.1:${stack.prosody.httpPort}/xmpp-websocket`;
    stack.buildTestXpi = () => {
      const xpi = join(stack.dir, "xsmtp-test.xpi");
      execFileSync(process.execPath, [BUILD, "--variant", "test", "--out", xpi]);
      return xpi;
    };
  });
  after(async () => {
    await stack.svc?.stop();
    await stack.prosody?.stop();
    if (stack.dir) rmSync(stack.dir, { recursive: true, force: true });
  });
  return stack;
}
