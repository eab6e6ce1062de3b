/**
 * Finds the WebSocket endpoint of an XMPP domain through XEP-0156: the
 * host-meta document at https://<domain>/.well-known/host-meta.json (JSON,
 * RFC 7033 JRD), else host-meta (XRD XML), the link with
 * rel="urn:xmpp:alt-connections:websocket". Only wss:// is accepted from
 * the network: a plain ws:// would hand the password to anyone on the path.
 *
 * References: XEP-0156 §3 (HTTP lookup), RFC 6415 (host-meta), RFC 7395 §4.
 */
import { REL_XMPP_WEBSOCKET } from "../../protocol/namespaces.js";

export const WEBSOCKET_REL = REL_XMPP_WEBSOCKET;

type Fetch = (url: string) => Promise<{ ok: boolean; text(): Promise<string> }>;

export async function findWebSocketUrl(domain: string, fetcher: Fetch = fetch): Promise<string | null> {
  const base = `https://${domain}/.well-known/host-meta`;
  for (const [url, read] of [[`${base}.json`, fromJson], [base, fromXml]] as const) {
    try {
      const response = await fetcher(url);
      const found = response.ok ? read(await response.text()) : null;
      if (found) return found;
    } catch {
      // unreachable or not a document: try the other form
    }
  }
  return null;
}

export function fromJson(text: string): string | null {
  let doc: { links?: { rel?: unknown; href?: unknown }[] };
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  const link = (doc.links ?? []).find((l) => l.rel === WEBSOCKET_REL && typeof l.href === "string" && secure(l.href));
  return (link?.href as string | undefined) ?? null;
}

export function fromXml(text: string): string | null {
  // One Link element at a time; attributes in either order, either quote.
  for (const element of text.match(/<Link\b[^>]*>/g) ?? []) {
    const rel = /\brel\s*=\s*["']([^"']*)["']/.exec(element)?.[1];
    const href = /\bhref\s*=\s*["']([^"']*)["']/.exec(element)?.[1];
    if (rel === WEBSOCKET_REL && href && secure(href)) return href;
  }
  return null;
}

function secure(url: string): boolean {
  return url.startsWith("wss://");
}
