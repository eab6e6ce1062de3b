// The mail gateway's public surface, for cli/gateway-wiring.ts (mail/gateway/README.md).
export { GatewayPolicy, type GatewayLog, type GatewayOptions } from "./gateway-policy.js";
export type { GatewayKey, GatewayService, OwnProgress } from "./gateway-ports.js";
export { IQ_TIMEOUT_MS, ORIGINATING, VERIFY_DEADLINE_MS, type GatewaySettings, type OnFail, type OnTemperror } from "./gateway-settings.js";
