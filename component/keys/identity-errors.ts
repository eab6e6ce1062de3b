/**
 * What each identity error means, in words for people (CLI messages and
 * ad-hoc command notes share these).
 */
import type { IdentityError } from "./identity-core.js";

export const identityErrorText: Record<IdentityError, string> = {
  "invalid-jid": "is not a bare JID (user@domain)",
  "outside-user-domains": "is outside the user domains this service speaks for",
  "already-enrolled": "is already enrolled (use add-key for another key)",
  "not-enrolled": "is not enrolled",
  "key-unknown": "has no such key",
  "key-revoked": "key is revoked; it cannot be rotated",
  "invalid-address": "an address is not a plain addr-spec (user@domain)",
  "invalid-label": "label is too long or has control characters",
};
