#!/usr/bin/env node
/**
 * `npm run demo`: the README's main job. The demo starts a private Prosody,
 * which is development tooling, so it is an entry point of devtools/ and not
 * a subcommand of the shipped `xsmtp` (no product file imports devtools/).
 */
import { runDemo } from "./run-demo.js";

process.exit(await runDemo());
