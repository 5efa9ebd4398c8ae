import { css } from 'lit';

/**
 * Shared by both elements. Sizes are in px, never rem or em from the page, so a host
 * page's `html { font-size }` cannot reflow the cards; only the documented custom
 * properties and parts reach inside. Every box height here is mirrored by reserve.css
 * (dist/recs.css, the space before the script runs): change both together.
 */
export const baseStyles = css`
  :host {
    display: block;
    /* As wide as the space it is in, also as a flex item or centred (where auto is its content's width: a carousel's is 0). */
    width: -webkit-fill-available;
    width: -moz-available;
  }
  :host([hidden]) { display: none; }
  /*
   * On the inner root, not the host: a page rule like * { all: unset } resets the host's font and colour. Of the other
   * inherited text properties, the two that break a card's layout (a centred or nowrap store section) are reset too.
   */
  .root { display: grid; color: var(--recs-color-text, #1a1a1a); font: var(--recs-font, 400 14px/20px system-ui, sans-serif); text-align: start; white-space: normal; }
  * { box-sizing: border-box; }
  .media, .media img, slot { display: block; }
  ul, p { list-style: none; margin: 0; padding: 0; }
  button { display: inline-grid; place-items: center; padding: 0 12px; min-height: 24px; font: inherit; cursor: pointer; }
  button:disabled { opacity: 0.4; cursor: default; }
  :focus-visible { outline: 2px solid var(--recs-color-accent, #2f5bd3); outline-offset: 2px; }
  /* Inside the card link: a carousel card (content-visibility) clips what is outside its box. */
  .link:focus-visible { outline-offset: -2px; }
  /* A transparent border: forced colours (high contrast) drop the background and draw it. One line, cut with an ellipsis (its aria-label is whole). */
  .add { display: block; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; margin-top: 8px; height: 36px; border: 1px solid #0000; border-radius: var(--recs-radius, 8px); color: var(--recs-button-text, #fff); background: var(--recs-color-accent, #2f5bd3); }
  [part=empty], .brand { color: var(--recs-color-muted, #5c5c5c); }
  /* One line, so its height is known before the script runs (dist/recs.css). */
  .heading { margin: 0 0 12px; font: var(--recs-heading-font, 600 18px/24px system-ui, sans-serif); color: var(--recs-heading-color, inherit); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .card, .link { display: flex; flex-direction: column; min-width: 0; }
  .link { gap: 4px; flex: 1; color: inherit; text-decoration: none; border-radius: var(--recs-radius, 8px); }
  .media { aspect-ratio: var(--recs-image-ratio, 1/1); border-radius: var(--recs-radius, 8px); overflow: hidden; background: var(--recs-image-background, #f2f2f2); }
  .media img { width: 100%; height: 100%; object-fit: var(--recs-image-fit, cover); }
  /* A broken image (recs-element.ts), or none: the plain media background. */
  img.error, img:not([src]) { visibility: hidden; }
  .line { display: flex; gap: 8px; align-items: center; height: 20px; overflow: hidden; white-space: nowrap; }
  /* A block, not the line's flex: text-overflow applies to a block's text only. */
  .brand { display: block; font-size: 12px; text-overflow: ellipsis; }
  .title { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; height: 40px; overflow-wrap: anywhere; }
  .price { font-weight: 600; color: var(--recs-price-color, inherit); }
  /* Beside a long price the badge gives way, with an ellipsis, rather than be cut. */
  .badge { min-width: 0; overflow: hidden; text-overflow: ellipsis; font-size: 12px; line-height: 18px; padding: 0 6px; border-radius: 4px; color: var(--recs-badge-color, #7a1d1d); background: var(--recs-badge-background, #fbe9e9); }
  /*
   * A skeleton is one element, so the loading render and its first frame stay cheap: the image box
   * before it, and after it a bar for each of the card's text lines (brand, two of title, price).
   */
  .skeleton::before, .skeleton::after { content: ''; background: var(--recs-skeleton-color, #ececec); }
  .skeleton::before { aspect-ratio: var(--recs-image-ratio, 1/1); border-radius: var(--recs-radius, 8px); }
  /* The card's 4px gap below the image, then four 12px bars 24px apart, each in the middle of a 20px line. */
  .skeleton::after { height: 92px; background: repeating-linear-gradient(#0000 0 8px, var(--recs-skeleton-color, #ececec) 0 20px, #0000 0 24px); }
  /* The add-to-cart button's space: 8px margin and 36px (.add); add-to-cart="false" (a framework's bound false) is off. */
  :host([add-to-cart]:not([add-to-cart=false i])) .skeleton { padding-bottom: 44px; }
  /* Empty and error ([state^=e]): the slot (a block) over the skeletons, hidden, so the page keeps its place; the collapse attribute gives the space back (not as collapse="false"). */
  .root > * { grid-area: 1/1; min-width: 0; }
  :host([state^=e]) .keep { visibility: hidden; }
  :host([collapse]:not([collapse=false i])[state^=e]) .keep { display: none; }
  /* Motion only for shoppers who did not ask for less: the skeleton pulse, the carousel's smooth paging. */
  @media (prefers-reduced-motion: no-preference) {
    .skeleton { animation: pulse 1.5s infinite; }
    .track { scroll-behavior: smooth; }
  }
  @keyframes pulse { 50% { opacity: 0.55; } }
`;
