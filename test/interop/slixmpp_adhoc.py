#!/usr/bin/env python3
"""Runs one XSMTP ad-hoc command (XEP-0050) with slixmpp's xep_0050 client
flow (start_command, then complete_command with a submitted form), so an
independent client library checks our <command/> handling, and prints one
JSON line: {"status", "note", "fields": {var: [values]}}.

Used by test/integration/commands-prosody.test.ts against a private Prosody on
loopback without TLS. Exits 0 on a completed command, 1 on anything else.

Usage: slixmpp_adhoc.py --port P --jid admin@example.org --password PW
           [--service xsmtp.example.org] [--command user-info] [--target alice@example.org]
"""
import argparse
import asyncio
import json
import sys

import slixmpp


class AdhocRunner(slixmpp.ClientXMPP):
    def __init__(self, args):
        super().__init__(args.jid, args.password)
        self.args = args
        self.outcome = None
        self.done = asyncio.get_event_loop().create_future()
        self.register_plugin("xep_0030")
        self.register_plugin("xep_0004")
        self.register_plugin("xep_0050")
        # Prosody here runs without TLS on loopback; allow PLAIN over it.
        self["feature_mechanisms"].unencrypted_plain = True
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("failed_auth", lambda _: self.finish({"error": "failed-auth"}))
        self.add_event_handler("disconnected", lambda _: self.finish({"error": "disconnected"}))

    def finish(self, outcome):
        if not self.done.done():
            self.outcome = outcome
            self.done.set_result(True)

    async def on_start(self, _event):
        node = "urn:xmpp:xsmtp:0#" + self.args.command
        session = {"next": self.on_form, "error": self.on_error}
        self["xep_0050"].start_command(self.args.service, node, session)

    def on_form(self, iq, session):
        command = iq["command"]
        if command["status"] == "completed":
            return self.on_result(iq, session)
        form = self["xep_0004"].make_form(ftype="submit")
        if self.args.target:
            form.add_field(var="jid", value=self.args.target)
        session["payload"] = form
        session["next"] = self.on_result
        self["xep_0050"].complete_command(session)

    def on_result(self, iq, session):
        command = iq["command"]
        fields = {}
        form = command["form"]
        for var, field in form.get_fields().items():
            value = field["value"]
            # text-multi comes back as one string with newlines; list types as lists.
            if field["type"] == "text-multi" and isinstance(value, str):
                value = value.split("\n") if value else []
            fields[var] = value if isinstance(value, list) else [value]
        note = command["notes"][0][1] if command["notes"] else None
        self.finish({"status": command["status"], "sessionid": command["sessionid"], "note": note, "fields": fields})

    def on_error(self, iq, session):
        self.finish({"error": iq["error"]["condition"]})


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--jid", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--service", default="xsmtp.example.org")
    parser.add_argument("--command", default="user-info")
    parser.add_argument("--target", default=None)
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()

    runner = AdhocRunner(args)
    runner.connect(("127.0.0.1", args.port), use_ssl=False, force_starttls=False, disable_starttls=True)
    try:
        await asyncio.wait_for(runner.done, args.timeout)
    except asyncio.TimeoutError:
        runner.outcome = {"error": "timeout"}
    outcome = runner.outcome
    print(json.dumps(outcome), flush=True)
    runner.disconnect()
    return 0 if outcome.get("status") == "completed" else 1


if __name__ == "__main__":
    sys.exit(asyncio.get_event_loop().run_until_complete(main()))
