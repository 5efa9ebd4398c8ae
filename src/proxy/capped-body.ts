import { RecsFailure } from '../model/errors.js';

/**
 * The proxy's rules for reading a vendor or catalog answer (fetchVendor's `read`, with
 * `redirect: 'manual'`): a redirect is refused, never followed, since it would carry the
 * key to another host; and the body is read no further than `maxBytes`, counted after
 * decompression, so a gzip bomb or an endless body costs at most that much memory and
 * the connection is dropped at the cap.
 */
export const readCapped =
  (maxBytes: number) =>
  async (response: Response, vendor: string): Promise<string> => {
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      throw new RecsFailure('http', `${vendor}: redirect refused (HTTP ${response.status})`, { status: response.status });
    }
    return readTextCapped(response, maxBytes, () => new RecsFailure('invalid-response', `${vendor}: response is larger than ${maxBytes} bytes`));
  };

/**
 * A body as text, read no further than `maxBytes` (counted as received, after any
 * decompression): past it, or when Content-Length already says so, the stream is
 * cancelled and `tooLarge()` is thrown. Vendor answers and POST /events bodies both come here.
 */
export async function readTextCapped(message: Request | Response, maxBytes: number, tooLarge: () => Error): Promise<string> {
  if (!message.body) return '';
  if (Number(message.headers.get('content-length')) > maxBytes) {
    await message.body.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const reader = message.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text + decoder.decode();
}
