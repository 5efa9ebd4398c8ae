import { css, html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { RecsElement } from './recs-element.js';
import { baseStyles } from './styles.js';
import { TrackController } from './track-controller.js';

/**
 * Recommendations as a carousel, as the WAI-ARIA carousel pattern describes it: a
 * region named by the heading, slides labelled "n of N", previous/next buttons that
 * are disabled at the ends, arrow keys, Home and End on the track. Touch swipe and
 * trackpads scroll natively through scroll snapping. No auto-rotation.
 *
 * @cssproperty --recs-slides-per-view - Cards per view; by default 2, 3, 4 or 5 by the element's width.
 * @cssproperty --recs-card-width - A fixed card width instead of slides per view.
 * @cssproperty --recs-gap - Space between cards (default 16px).
 * @cssproperty --recs-button-size - Previous/next button size (default 36px).
 * @cssproperty --recs-button-background - Button background.
 * @cssproperty --recs-button-border - Button border colour.
 * @cssproperty --recs-button-color - Button arrow colour.
 * @csspart region - The labelled carousel region.
 * @csspart track - The scrolling track of cards.
 * @csspart prev - The previous button.
 * @csspart next - The next button.
 */
export class RecsCarousel extends RecsElement {
  static override properties: PropertyDeclarations = {
    ...RecsElement.properties,
    slidesPerView: { attribute: 'slides-per-view', type: Number },
  };

  /** Cards per view; overrides `--recs-slides-per-view` and the responsive default. */
  declare slidesPerView: number | undefined;

  static override styles = [
    baseStyles,
    css`
      .root { container-type: inline-size; }
      .header { display: flex; align-items: center; gap: 8px; margin: 0 0 12px; }
      .header .heading { margin: 0; }
      .controls { display: flex; gap: 8px; margin-inline-start: auto; }
      .nav {
        width: var(--recs-button-size, 36px);
        height: var(--recs-button-size, 36px);
        padding: 0;
        border-radius: 50%;
        border: 1px solid var(--recs-button-border, #c8c8c8);
        background: var(--recs-button-background, #fff);
        color: var(--recs-button-color, #1a1a1a);
        font-size: 20px;
      }
      .root:dir(rtl) .arrow { transform: scaleX(-1); }
      .track {
        --_spv: var(--recs-slides-per-view, 2);
        display: grid;
        grid-auto-flow: column;
        grid-auto-columns: var(--recs-card-width, calc((100% - (var(--_spv) - 1) * var(--_gap)) / var(--_spv)));
        gap: var(--_gap);
        overflow-x: auto;
        overscroll-behavior-x: contain;
        scroll-snap-type: x mandatory;
        scrollbar-width: thin;
        padding: 2px 2px 8px;
        /* Snap to the padding edge, so the first card rests at scrollLeft 0 and Previous starts disabled. */
        scroll-padding-inline: 2px;
      }
      @container (min-width: 560px) { .track { --_spv: var(--recs-slides-per-view, 3); } }
      @container (min-width: 800px) { .track { --_spv: var(--recs-slides-per-view, 4); } }
      @container (min-width: 1040px) { .track { --_spv: var(--recs-slides-per-view, 5); } }
      .track > .card { scroll-snap-align: start; }
      .skeletons { display: contents; }
      @media (prefers-reduced-motion: no-preference) {
        .track { scroll-behavior: smooth; }
      }
    `,
  ];

  /** The ends (Previous and Next disabled there) and the cards in view (only these are in the tab order). */
  #view = new TrackController(this, () => this.#track());
  /** The Previous or Next button that had focus before a render, so focus survives it being disabled. */
  #focusedNav: Element | null | undefined;

  #track(): HTMLElement | null {
    return this.renderRoot.querySelector('.track');
  }

  #cards(): HTMLElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLElement>('.track > [part="card"]')];
  }

  /** Scrolls by one view of cards, in reading direction. */
  #page(direction: 1 | -1): void {
    const track = this.#track();
    if (!track) return;
    track.scrollBy({ left: direction * (this.matches(':dir(rtl)') ? -1 : 1) * track.clientWidth });
  }

  /** Arrow keys move to the neighbouring card (mirrored right to left), Home and End to the ends. */
  #onKeydown = (event: KeyboardEvent): void => {
    const cards = this.#cards();
    const current = Math.max(cards.findIndex((card) => card.contains(this.shadowRoot!.activeElement)), 0);
    const forward = this.matches(':dir(rtl)') ? -1 : 1;
    const next = { Home: 0, End: cards.length - 1, ArrowRight: current + forward, ArrowLeft: current - forward }[event.key];
    const card = next === undefined ? undefined : cards[Math.min(Math.max(next, 0), cards.length - 1)];
    if (!card) return;
    event.preventDefault();
    card.scrollIntoView({ block: 'nearest', inline: 'start' });
    // A card without a URL has no link to focus: the card itself (tabindex=-1) takes focus.
    (card.querySelector<HTMLElement>('a[href], button:not(:disabled)') ?? card).focus({ preventScroll: true });
  };

  /** Only the cards in view are in the tab order, whatever their markup (built in or a designer's template). */
  #followView(): void {
    for (const card of this.#cards()) {
      for (const stop of card.querySelectorAll<HTMLElement>('a, button, input, select, textarea')) {
        if (this.#view.inView.has(Number(card.dataset.rank))) stop.removeAttribute('tabindex');
        else stop.tabIndex = -1;
      }
    }
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    this.#focusedNav = this.shadowRoot?.activeElement?.closest('.nav');
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    // At the end, Next is disabled: its focus moves to the other button instead of the page (APG carousel).
    if ((this.#focusedNav as HTMLButtonElement | null)?.disabled) this.renderRoot.querySelector<HTMLElement>('.nav:not(:disabled)')?.focus();
    // Through the CSSOM, not a style attribute, so a strict Content-Security-Policy allows it.
    const spv = Number(this.slidesPerView);
    if (spv > 0) this.#track()?.style.setProperty('--_spv', String(spv));
    else this.#track()?.style.removeProperty('--_spv');
    this.#followView();
  }

  protected override renderLayout(): TemplateResult {
    const labels = this.resolvedLabels;
    const ready = this.state === 'ready';
    const slides = { total: this.items.length };
    return html`<section
      part="region"
      aria-roledescription="carousel"
      aria-labelledby=${this.heading ? 'heading' : nothing}
      aria-label=${this.heading ? nothing : labels.region}
    >
      <div class="header">
        ${this.renderHeading()}
        <div class="controls">
          <button part="prev" class="nav" type="button" aria-label=${labels.previous} ?disabled=${this.#view.atStart || !ready} @click=${() => this.#page(-1)}>
            <span class="arrow" aria-hidden="true">‹</span>
          </button>
          <button part="next" class="nav" type="button" aria-label=${labels.next} ?disabled=${this.#view.atEnd || !ready} @click=${() => this.#page(1)}>
            <span class="arrow" aria-hidden="true">›</span>
          </button>
        </div>
      </div>
      <div part="track" class="track" @scroll=${this.#view.measure} @keydown=${this.#onKeydown}>
        ${/* Slides are divs (a group role is not allowed on an li); skeletons are list items, so they keep a list, laid out as the track's own cells. */ ready
          ? this.renderItems(slides)
          : html`<ul class="skeletons" role="none">${this.renderItems()}</ul>`}
      </div>
    </section>`;
  }
}
