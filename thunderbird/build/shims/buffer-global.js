// Injected by esbuild: the shared code uses Buffer as a global, as Node has it.
export { Buffer } from "./node-buffer.js";
