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
    const tooLarge = () => new RecsFailure('invalid-response', `${vendor}: response is larger than ${maxBytes} bytes`);
    if (!response.body) return '';
    if (Number(response.headers.get('content-length')) > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw tooLarge();
    }
    const reader = response.body.getReader();
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
  };
