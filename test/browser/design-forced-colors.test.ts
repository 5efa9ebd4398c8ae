/**
 * Designer: Windows high contrast (forced colors). Forced colours replace backgrounds with the system colour,
 * so a control needs a border to look like one: the add-to-cart button (once `border: 0`, bare text under forced
 * colours) has a transparent border, which forced colours paint, as Previous/Next have. (The loading skeletons,
 * drawn with background colours, are blank under forced colours: left so, docs/designer.md.)
 */
import { expect, fixture, html, nextFrame } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { RecsElement } from '../../src/elements/recs-element.js';
import '../../src/define.js';
import { TAGS, shadow, stateIs } from './helpers.js';


describe('designer: forced colors (Windows high contrast)', () => {
  before(() => emulateMedia({ forcedColors: 'active' }));
  after(() => emulateMedia({ forcedColors: 'none' }));

  for (const tag of TAGS) {
    it(`<${tag}>'s add-to-cart button keeps a visible edge, as Previous/Next do`, async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 760px"></div>`);
      const el = document.createElement(tag) as RecsElement;
      el.setAttribute('lazy', 'false');
      el.setAttribute('add-to-cart', '');
      el.transport = { fetch: async () => ({ items: [{ id: 'a', title: 'Trail shoe', url: '/p/a', price: { amount: 89, currency: 'EUR' } }] }) };
      wrapper.append(el);
      await stateIs(el, 'ready');
      await nextFrame();
      expect(matchMedia('(forced-colors: active)').matches, 'forced colors emulated').to.equal(true);
      const button = shadow(el).querySelector<HTMLElement>('[part="add-to-cart"]')!;
      const style = getComputedStyle(button);
      const edge = ['Top', 'Right', 'Bottom', 'Left'].map((side) => `${style.getPropertyValue(`border-${side.toLowerCase()}-style`)} ${style.getPropertyValue(`border-${side.toLowerCase()}-width`)}`);
      expect(edge.every((value) => !value.startsWith('none') && !value.startsWith('hidden') && parseFloat(value.split(' ')[1]!) >= 1), `border: ${edge.join(', ')}`).to.equal(true);
    });
  }
});
