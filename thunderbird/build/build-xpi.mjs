#!/usr/bin/env node
// Builds the Thunderbird add-on: esbuild bundles the TypeScript entry points
// (and the shared signature/, protocol/, mail/verify code they import, with
// the node: shims beside this file) for the browser, then the manifest, pages
// and icons are zipped into an .xpi with fflate (pure JS: no `zip` binary).
//
//   node thunderbird/build/build-xpi.mjs [--variant product|test] [--out FILE] [--id ADDON-ID]
//
// --id replaces the add-on id of static/manifest.json: a distributor who
// publishes their own build gives it an id under a domain they control
// (policies.json keys managed settings by this id; thunderbird/README.md).
//
// The test variant differs only where a loopback test must: its manifest
// allows ws://127.0.0.1 (MV3's default CSP upgrades it to wss) and
// http://127.0.0.1, and its background answers the test driver's messages
// (XSMTP_TEST_HOOK). See THUNDERBIRD.md and thunderbird/README.md.
import { build } from "esbuild";
import { zipSync } from "fflate";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const addon = join(here, "..");
const repo = join(addon, "..");
const shims = join(here, "shims");

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
}

export async function buildXpi({ variant = "product", out, id } = {}) {
  const test = variant === "test";
  const target = out ?? join(repo, "dist", "xpi", test ? "xsmtp-thunderbird-test.xpi" : "xsmtp-thunderbird.xpi");
  const bundled = await build({
    entryPoints: ["background", "popup", "options"].map((name) => join(addon, "src", "entries", `${name}.ts`)),
    bundle: true,
    write: false,
    outdir: "/out",
    platform: "browser",
    format: "iife",
    target: "firefox128",
    inject: [join(shims, "buffer-global.js")],
    alias: {
      "node:buffer": join(shims, "node-buffer.js"),
      "node:crypto": join(shims, "node-crypto.js"),
      "node:url": join(shims, "node-url.js"),
      "node:module": join(shims, "node-module.js"),
    },
    plugins: [noDnsInBrowser],
    // protocol/mail-address.ts calls createRequire(import.meta.url); the shim ignores the URL.
    define: { XSMTP_TEST_HOOK: String(test), "import.meta.url": '"about:blank"' },
    // Folds `if (XSMTP_TEST_HOOK)` away, so the product bundle holds no test-only code.
    minifySyntax: true,
    legalComments: "none",
    logLevel: "warning",
  });
  const files = {};
  for (const file of bundled.outputFiles) files[relative("/out", file.path)] = file.contents;
  addStatic(join(addon, "static"), "", files);
  const manifest = JSON.parse(readFileSync(join(addon, "static", "manifest.json"), "utf8"));
  if (id) manifest.browser_specific_settings.gecko.id = id;
  if (test) {
    manifest.content_security_policy = { extension_pages: "script-src 'self'" };
    manifest.host_permissions = [...manifest.host_permissions, "http://127.0.0.1/*"];
  }
  files["manifest.json"] = new TextEncoder().encode(JSON.stringify(manifest, null, 2));
  mkdirSync(dirname(target), { recursive: true });
  // A fixed date keeps the archive byte-identical for identical inputs.
  writeFileSync(target, zipSync(files, { level: 9, mtime: new Date("2026-01-01T00:00:00Z") }));
  return target;
}

// @xmpp/resolve's package.json maps "./lib/dns" to false for browsers, but
// it imports "./lib/dns.js", which the mapping misses: SRV look-ups cannot
// run in Thunderbird anyway (the WebSocket URL is configured or from host-meta).
const noDnsInBrowser = {
  name: "no-dns-in-browser",
  setup(b) {
    b.onResolve({ filter: /^\.\/lib\/dns\.js$/ }, (args) =>
      args.importer.includes("@xmpp/resolve") ? { path: "xmpp-resolve-dns", namespace: "empty" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "", loader: "js" }));
  },
};

function addStatic(dir, prefix, files) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const name = prefix + entry.name;
    if (entry.isDirectory()) addStatic(join(dir, entry.name), `${name}/`, files);
    else if (name !== "manifest.json") files[name] = readFileSync(join(dir, entry.name));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const written = await buildXpi({ variant: option("--variant", "product"), out: option("--out"), id: option("--id") });
  console.log(written);
}
