// Moved to component/devserver (the demo launches Prosody too); re-exported for the tests.
export * from "../../component/devserver/process.js";
