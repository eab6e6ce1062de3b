/**
 * The values an identity operation checks or makes, as plain functions: key
 * ids, labels and From addresses.
 */
import { randomBytes } from "node:crypto";

const MAX_LABEL = 100;

/** Key ids read like their label (`laptop-3f9a2c`) and are never reused. */
export function newKeyId(label: string): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${slug || "key"}-${randomBytes(3).toString("hex")}`;
}

export function validLabel(label: string): boolean {
  return label.length <= MAX_LABEL && !/[\u0000-\u001f\u007f]/.test(label);
}

/** A plain addr-spec (local@domain) without display name or comments. */
export function isAddrSpec(address: string): boolean {
  return /^[^\s@<>()",;:\\[\]]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(address) && address.length <= 254;
}
