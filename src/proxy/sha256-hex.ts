/** SHA-256 of a text in hex, its first `bytes` bytes; WebCrypto, so Node and edge runtimes alike. */
export async function sha256Hex(text: string, bytes = 32): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)), 0, bytes);
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
