import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import type { RecsElement } from '../../src/elements/recs-element.js';
import { received, stateIs, uid } from './helpers.js';
import '../../src/define.js';

// A page reads at most 2 MB of an answer (src/data/http.ts). Answers that would make it read more stream from
// test/stubs/vendor-stubs.mjs; the widget's timeout is 6 s, so only a read that stops at the cap fails within 2 s.

describe('an answer past the 2 MB a page reads', () => {
  const cases = [
    ['endless', 'a body that never ends'],
    ['endless-gzip', 'a gzip body that the browser inflates without end'],
  ] as const;

  for (const [scenario, what] of cases) {
    it(`${what}: the error state at once, recs-error invalid-response, the error slot, the stream cancelled`, async () => {
      const id = uid('cap');
      const el = document.createElement('recs-list') as RecsElement;
      for (const [name, value] of Object.entries({ transport: 'proxy', endpoint: `/stub/proxy/${scenario}/${id}`, lazy: 'false', timeout: '6000' })) el.setAttribute(name, value);
      el.innerHTML = '<p slot="error">Recommendations are resting</p>';
      const failed = oneEvent(el, 'recs-error');
      const started = performance.now();
      await fixture(el);
      const { detail } = await failed;
      expect(detail.error.code, detail.error.message).to.equal('invalid-response');
      expect(performance.now() - started, 'ms until recs-error').to.be.below(2000);
      await stateIs(el, 'error');
      expect(el.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="error"]')!.assignedElements()).to.have.length(1);
      // The browser hung up: the stub stops writing.
      await waitUntil(async () => ((await received(id))[0] as { hungUp?: boolean } | undefined)?.hungUp, 'the stub is still streaming', { timeout: 2000 });
    });
  }
});
