import { RecsFailure } from '../model/errors.js';

/**
 * A vendor or catalog body as text, read no further than `maxBytes`, counted after
 * decompression: a gzip bomb or an endless body costs at most that much memory, and the
 * connection is dropped at the cap.
 */
export const readCapped =
  (maxBytes: number) =>
  async (response: Response, vendor: string): Promise<string> => {
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
