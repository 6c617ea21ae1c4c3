/**
 * What a published digest looks like, checked where a spec is loaded (the schema) and again where a
 * digest becomes a cache path (lookup, DownloadCache.blob): a value that is not a digest never
 * names a file.
 */
export const HEX_DIGEST = {
  sha256: /^[0-9a-fA-F]{64}$/,
  sha1: /^[0-9a-fA-F]{40}$/,
  md5: /^[0-9a-fA-F]{32}$/,
} as const;

export type HexAlgo = keyof typeof HEX_DIGEST;

/** One SRI hash (W3C Subresource Integrity): `sha256|sha384|sha512-<base64 of the digest's length>[?options]`. */
const SRI_TOKEN = '(?:sha256-[A-Za-z0-9+/]{43}=|sha384-[A-Za-z0-9+/]{64}|sha512-[A-Za-z0-9+/]{86}==)(?:\\?[!-~]*)?';
/** An SRI integrity string: one or more hashes separated by whitespace, as npm publishes. */
export const SRI = new RegExp(`^\\s*${SRI_TOKEN}(?:\\s+${SRI_TOKEN})*\\s*$`);

export const isHexDigest = (algo: HexAlgo, v: unknown): v is string => typeof v === 'string' && HEX_DIGEST[algo].test(v);
export const isIntegrity = (v: unknown): v is string => typeof v === 'string' && SRI.test(v);
