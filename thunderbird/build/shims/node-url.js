// node:url's domainToASCII for the add-on bundle: the WHATWG URL host parser,
// which Node's domainToASCII also is (UTS #46 mapping, punycode, IPv4
// numbers), run on a URL made of the name alone. Characters that would end
// the host or make it userinfo give "" first (Node gives "a" for "a/b": the
// shim is stricter there, never looser).
// References: RFC 5890 §2.3.2.1 (A-label), UTS #46 §4.
const NOT_A_HOST = /[\s/?#@:\\%\[\]<>^|]/;

export function domainToASCII(domain) {
  if (domain === "" || NOT_A_HOST.test(domain)) return "";
  try {
    return new URL(`http://${domain}/`).hostname;
  } catch {
    return "";
  }
}

export function fileURLToPath() {
  throw new Error("node:url shim: fileURLToPath has no meaning in Thunderbird");
}
