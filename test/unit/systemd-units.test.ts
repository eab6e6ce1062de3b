/**
 * The systemd units in contrib/systemd/ keep what the README promises: the
 * right ExecStart, no restart after the exit codes restarting cannot fix
 * (in step with cli/errors.ts), and the hardening. Where systemd-analyze is
 * installed, the units also pass `verify` and score a low exposure.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { EXIT_REFUSED_BY_SERVER } from "../../cli/errors.js";
import { XSMTP_BIN } from "../../devtools/xsmtp-process.js";

const UNITS = ["xsmtp.service", "xsmtp@.service"];
const text = (name: string) => readFileSync(new URL(`../../../contrib/systemd/${name}`, import.meta.url), "utf8");

/** section -> key -> values (a key may repeat). */
function parseUnit(source: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const line of source.split("\n")) {
    if (/^\s*([#;]|$)/.test(line)) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1]!, current);
      continue;
    }
    const [, key, value] = /^(\w+)=(.*)$/.exec(line) ?? [];
    assert.ok(current && key !== undefined, `not a unit line: ${line}`);
    current.set(key, [...(current.get(key) ?? []), value!]);
  }
  return sections;
}

const HARDENING: Record<string, string> = {
  NoNewPrivileges: "yes",
  ProtectSystem: "strict",
  ProtectHome: "yes",
  PrivateTmp: "yes",
  PrivateDevices: "yes",
  CapabilityBoundingSet: "",
  RestrictSUIDSGID: "yes",
  SystemCallArchitectures: "native",
  UMask: "0077",
  StateDirectoryMode: "0700",
};

const hasAnalyze = spawnSync("systemd-analyze", ["--version"]).status === 0;

/** The unit with ExecStart pointing at this checkout's xsmtp, which verify requires to exist. */
function localCopy(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), "xsmtp-units-"));
  const path = join(dir, name.replace("@.", "@test."));
  writeFileSync(path, text(name).replace("/usr/local/bin/xsmtp", `${process.execPath} ${XSMTP_BIN}`));
  return path;
}

describe("systemd units (contrib/systemd/)", () => {
  for (const name of UNITS) {
    it(`${name}: runs xsmtp run as its own user, restarts on failure but never after exit 2 or ${EXIT_REFUSED_BY_SERVER}`, () => {
      const unit = parseUnit(text(name));
      const service = unit.get("Service")!;
      const one = (key: string) => service.get(key)?.at(-1);
      assert.match(one("ExecStart")!, name === "xsmtp.service" ? /^\/\S+\/xsmtp run --config \/etc\/xsmtp\/xsmtp\.conf$/ : /^\/\S+\/xsmtp run$/);
      assert.equal(one("User"), "xsmtp");
      assert.equal(one("Restart"), "on-failure");
      assert.deepEqual(one("RestartPreventExitStatus")!.split(/\s+/).sort(), ["2", String(EXIT_REFUSED_BY_SERVER)].sort());
      // StartLimit* belong to [Unit]; in [Service] systemd ignores them.
      assert.ok(unit.get("Unit")!.has("StartLimitBurst") && !service.has("StartLimitBurst"));
      assert.equal(unit.get("Install")?.get("WantedBy")?.[0], "multi-user.target");
    });

    it(`${name}: is hardened, and leaves V8 its writable executable memory`, () => {
      const service = parseUnit(text(name)).get("Service")!;
      for (const [key, value] of Object.entries(HARDENING)) assert.equal(service.get(key)?.at(-1), value, key);
      assert.match(service.get("StateDirectory")![0]!, /^xsmtp(\/%i)?$/);
      assert.ok(!service.has("MemoryDenyWriteExecute"), "V8's JIT needs W+X memory");
    });
  }

  it("xsmtp@.service gives each instance its own environment file and state directory", () => {
    const service = parseUnit(text("xsmtp@.service")).get("Service")!;
    assert.deepEqual(service.get("EnvironmentFile"), ["/etc/xsmtp/%i.env"]);
    assert.deepEqual(service.get("StateDirectory"), ["xsmtp/%i"]);
    assert.deepEqual(service.get("WorkingDirectory"), ["/var/lib/xsmtp/%i"]);
  });

  for (const name of UNITS) {
    it(`${name}: systemd-analyze verify finds nothing, and security rates its exposure at most 2.0`, { skip: !hasAnalyze && "systemd-analyze is not installed" }, () => {
      const path = localCopy(name);
      const verify = spawnSync("systemd-analyze", ["verify", path], { encoding: "utf8" });
      assert.equal(verify.status, 0, verify.stderr);
      assert.equal(verify.stderr.trim(), "");
      const security = execFileSync("systemd-analyze", ["security", "--offline=yes", path], { encoding: "utf8" });
      const exposure = Number(/Overall exposure level for \S+: ([0-9.]+)/.exec(security)?.[1]);
      assert.ok(exposure <= 2.0, `exposure ${exposure}`);
    });
  }
});
