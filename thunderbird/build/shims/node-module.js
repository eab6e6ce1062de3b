// node:module for the add-on bundle: protocol/mail-address.ts loads
// nodemailer's addressparser (CommonJS) through createRequire; here the
// bundler includes it statically and require() hands it out by name.
import addressparser from "nodemailer/lib/addressparser/index.js";

const MODULES = { "nodemailer/lib/addressparser": addressparser };

export function createRequire() {
  return (name) => {
    if (!(name in MODULES)) throw new Error(`node:module shim: ${name} is not bundled`);
    return MODULES[name];
  };
}
