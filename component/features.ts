/**
 * The features the service is made of, in the order they are wired. Adding a
 * feature is adding its wiring function here.
 */
import { wireBasics } from "./basics/wiring.js";
import { wireDiscovery } from "./discovery/wiring.js";
import type { ServiceContext } from "./service-context.js";

export const features: ((ctx: ServiceContext) => void)[] = [wireDiscovery, wireBasics];
