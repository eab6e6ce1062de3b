// The milter's public surface, for the gateway that `xsmtp run` will start.
export { startMilterServer, parseMilterAddress, type MilterAddress, type MilterServer, type MilterServerEvent, type MilterServerOptions } from "./milter-server.js";
export { MilterSession, type MilterPolicy, type SessionOptions, type SessionOutput } from "./milter-session.js";
export type { MilterAction, MilterDecision, MilterVerdict } from "./milter-decision.js";
export type { MilterClient, MilterEnvelopeAddress, MilterHeader, MilterMessage, MessageLimits } from "./milter-message.js";
export { GATEWAY_MACROS, GATEWAY_WANTS, type MilterWants } from "./milter-negotiation.js";
