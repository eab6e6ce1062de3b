-- Prosody 0.12 configuration for a server that hosts the XSMTP component.
--
-- XSMTP is an external component (XEP-0114): a separate process that connects
-- to Prosody on the component port, authenticates with a shared secret, and is
-- then routed every stanza addressed to xsmtp.example.org.
--
-- Copy this file to /etc/prosody/prosody.cfg.lua (or Include it) and change:
--   * the domain names (example.org, xsmtp.example.org),
--   * component_secret (must equal the secret given to the XSMTP component),
--   * delete the "LOOPBACK TESTING ONLY" block at the end of the global section.
--
-- The integration tests (devtools/servers/prosody.ts) load this very file and
-- replace, by exact text, the lines marked "[test-substituted]": keep those
-- lines in their plain form (one value, no expressions) so the replacement
-- keeps working.

---------- Global section ----------

admins = { }

modules_enabled = {
	"saslauth"; -- lets users log in; XSMTP acts on behalf of logged-in users
	"tls";      -- STARTTLS for clients; a real deployment needs certificates
	"roster";   -- clients fetch their roster on login
	"disco";    -- lets clients discover xsmtp.example.org under example.org
	"ping";     -- XEP-0199, used by clients and the component to check liveness
	"posix";    -- writes the pidfile below
	"dialback"; -- federation: verifiers on other servers reach xsmtp.example.org over s2s
}

-- Where accounts and other data live. [test-substituted]
data_path = "/var/lib/prosody"
-- [test-substituted]
pidfile = "/run/prosody/prosody.pid"

-- Client connections. [test-substituted]
c2s_ports = { 5222 }

-- The port the XSMTP component connects to. Only the component should reach
-- it: listen on loopback (or a private interface) and never expose it, since
-- the secret is its only protection. [test-substituted]
component_ports = { 5347 }
component_interfaces = { "127.0.0.1" }

-- A verify IQ may carry up to 256 KiB of signature and header fields
-- (PROTOCOL.md §3.2). Prosody's default limit on a client's stanza is 256 KiB
-- for the whole stanza, markup included, so the largest verify requests from
-- verifiers logged in here would be cut off with their connection; 512 KiB
-- leaves room. Component and s2s streams already allow 512 KiB by default;
-- verifiers on other servers depend on their own server's client limit.
c2s_stanza_size_limit = 524288

-- XSMTP traffic is small request/answer stanzas: with Nagle's algorithm on
-- (Prosody's default) a stanza written behind an unacknowledged one waits for
-- the peer's delayed ACK, about 40 ms, at each hop of an IQ between two
-- components. Measured: a verifying mail gateway went from 143 to about
-- 300 messages/s with this line.
network_settings = { nagle = false }

-- Prosody 0.12 reads each connection 4 KB at a time (LuaSocket buffers 8 KB)
-- and, while data is left in that buffer, takes the connection off its poll
-- until a timer fires: measured (strace), 2-3 ms of pause per 8 KB read from
-- the component while Prosody had nothing else to do. A verification sends
-- ~680 bytes back (the answer and the owner's headline), so under load the
-- component's stream queued 30-60 KB in the kernel and verifications/s
-- were capped by that pause, not by CPU: 3,500 -> 4,540/s with this line
-- (the echo baseline 6,700 -> 7,530/s). Reads of 64 KB drain the socket in
-- one go.
network_default_read_size = 65536

-- [test-substituted]
log = { info = "/var/log/prosody/prosody.log"; error = "/var/log/prosody/prosody.err" }

---------- LOOPBACK TESTING ONLY: do not copy into a real deployment ----------
-- These relaxations let the integration tests run without certificates or
-- DNS on 127.0.0.1. A real server must require TLS, hash stored passwords,
-- federate (s2s) and may serve HTTP.
c2s_interfaces = { "127.0.0.1" }
c2s_require_encryption = false     -- real: true
allow_unencrypted_plain_auth = true -- real: false
authentication = "internal_plain"   -- real: "internal_hashed"
-- [test-substituted] (federated tests enable s2s)
modules_disabled = { "s2s"; "tls" } -- real: keep both
-- [test-substituted] (federated tests listen for s2s)
s2s_ports = { }
http_ports = { }
https_ports = { }
---------- end of LOOPBACK TESTING ONLY ----------

---------- Hosts ----------

VirtualHost "example.org"

-- The XSMTP component. The name must match the domain the component is
-- started with; the secret must match its configured secret. [test-substituted]
Component "xsmtp.example.org"
	component_secret = "change-me-to-a-long-random-secret"
