import { css, html, type PropertyDeclarations, type TemplateResult } from 'lit';
import { RecsElement } from './recs-element.js';
import { baseStyles } from './styles.js';

/**
 * Recommendations as a horizontal scroll-snap track with previous/next buttons,
 * inside a region named by the heading. Touch and trackpads scroll natively.
 *
 * @cssproperty --recs-card-width - Card width (default 180px).
 * @cssproperty --recs-gap - Space between cards (default 16px).
 * @cssproperty --recs-button-size - Previous/next button size (default 36px).
 * @csspart region - The labelled carousel region.
 * @csspart track - The scrolling list of cards.
 * @csspart prev - The previous button.
 * @csspart next - The next button.
 */
export class RecsCarousel extends RecsElement {
  static override properties: PropertyDeclarations = {
    ...RecsElement.properties,
    prevLabel: { attribute: 'prev-label' },
    nextLabel: { attribute: 'next-label' },
    atStart: { state: true },
    atEnd: { state: true },
  };

  declare prevLabel: string;
  declare nextLabel: string;
  declare atStart: boolean;
  declare atEnd: boolean;

  static override styles = [
    baseStyles,
    css`
      .header { display: flex; align-items: center; justify-content: space-between; gap: 8px; }
      .controls { display: flex; gap: 8px; margin: 0 0 12px auto; }
      button {
        all: unset;
        box-sizing: border-box;
        display: inline-grid;
        place-items: center;
        width: var(--recs-button-size, 36px);
        height: var(--recs-button-size, 36px);
        border-radius: 50%;
        border: 1px solid var(--recs-button-border, #c8c8c8);
        background: var(--recs-button-background, #fff);
        color: var(--recs-button-color, #1a1a1a);
        font: 400 20px/1 system-ui, sans-serif;
        cursor: pointer;
      }
      button:focus-visible { outline: 2px solid var(--recs-color-accent, #2f5bd3); outline-offset: 2px; }
      button:disabled { opacity: 0.4; cursor: default; }
      :host(:dir(rtl)) .arrow { transform: scaleX(-1); }
      .track {
        display: grid;
        grid-auto-flow: column;
        grid-auto-columns: var(--_card-width);
        gap: var(--_gap);
        overflow-x: auto;
        overscroll-behavior-x: contain;
        scroll-snap-type: x mandatory;
        scroll-padding-inline: 0;
        scrollbar-width: thin;
        padding-bottom: 8px;
      }
      .track > .card { scroll-snap-align: start; }
      @media (prefers-reduced-motion: no-preference) {
        .track { scroll-behavior: smooth; }
      }
    `,
  ];

  constructor() {
    super();
    this.prevLabel = 'Previous';
    this.nextLabel = 'Next';
    this.atStart = true;
    this.atEnd = false;
  }

  #track(): HTMLElement | null {
    return this.renderRoot.querySelector('.track');
  }

  /** Scrolls by one visible page of cards, in reading direction. */
  #page(direction: 1 | -1): void {
    const track = this.#track();
    if (!track) return;
    const rtl = getComputedStyle(track).direction === 'rtl' ? -1 : 1;
    track.scrollBy({ left: direction * rtl * track.clientWidth });
  }

  #updateEnds = (): void => {
    const track = this.#track();
    if (!track) return;
    // scrollLeft runs negative in right-to-left layouts; the distance from the start is what counts.
    const scrolled = Math.abs(track.scrollLeft);
    this.atStart = scrolled <= 1;
    this.atEnd = scrolled + track.clientWidth >= track.scrollWidth - 1;
  };

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    super.updated(changed);
    // Measured after layout, outside the update, so it does not schedule a second render.
    if (changed.has('items') || changed.has('state')) requestAnimationFrame(this.#updateEnds);
  }

  protected override renderLayout(): TemplateResult {
    const label = this.heading || 'Recommendations';
    return html`<section part="region" role="region" aria-roledescription="carousel" aria-label=${label}>
      <div class="header">
        ${this.renderHeading()}
        <div class="controls">
          <button part="prev" type="button" aria-label=${this.prevLabel} ?disabled=${this.atStart || this.state !== 'ready'} @click=${() => this.#page(-1)}>
            <span class="arrow" aria-hidden="true">‹</span>
          </button>
          <button part="next" type="button" aria-label=${this.nextLabel} ?disabled=${this.atEnd || this.state !== 'ready'} @click=${() => this.#page(1)}>
            <span class="arrow" aria-hidden="true">›</span>
          </button>
        </div>
      </div>
      <ul part="track" class="track" @scroll=${this.#updateEnds}>${this.renderItems()}</ul>
    </section>`;
  }
}
