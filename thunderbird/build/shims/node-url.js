// node:url's domainToASCII for the add-on bundle: an ASCII name is lower-cased
// (what UTS #46 does to it), a Unicode one goes through the WHATWG URL host
// parser, which applies UTS #46 / IDNA as Node does. Anything that is not a
// bare host name gives "", Node's answer for an invalid domain.
// References: RFC 5890 §2.3.2.1 (A-label), UTS #46 §4.
const NOT_A_HOST = /[\s/?#@:\\%\[\]<>^|]/;

export function domainToASCII(domain) {
  if (domain === "" || NOT_A_HOST.test(domain)) return "";
  if (/^[\x00-\x7f]*$/.test(domain)) return domain.toLowerCase();
  try {
    return new URL(`http://${domain}/`).hostname;
  } catch {
    return "";
  }
}

export function fileURLToPath() {
  throw new Error("node:url shim: fileURLToPath has no meaning in Thunderbird");
}
