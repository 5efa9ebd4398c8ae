import { css, html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { RecsElement, kebabAttributes, whenShown } from './recs-element.js';
import { baseStyles } from './styles.js';
import type { TrackController } from './track-controller.js';

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
  // Only its own: Lit inherits RecsElement's declarations (repeating them would make every accessor again).
  static override properties: PropertyDeclarations = kebabAttributes({
    slidesPerView: { type: Number },
  });

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
        aspect-ratio: 1;
        padding: 0;
        border-radius: 50%;
        border: 1px solid var(--recs-button-border, #c8c8c8);
        background: var(--recs-button-background, #fff);
        color: var(--recs-button-color, #1a1a1a);
        font-size: 20px;
      }
      .track {
        --_spv: var(--recs-slides-per-view, 2);
        display: grid;
        grid-auto-flow: column;
        grid-auto-columns: var(--recs-card-width, calc((100% - (var(--_spv) - 1)*var(--recs-gap, 16px))/var(--_spv)));
        gap: var(--recs-gap, 16px);
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
      /* Skeletons too: they are the track's cells, as the cards are. */
      .card { scroll-snap-align: start; }
      /*
       * Slides out of view are laid out and painted only when they come near it, so the first frame with cards
       * costs what is on screen. The first slide is always rendered: it gives the track its height, which the
       * others stretch to, wherever the carousel is on the page.
       */
      .track > *+* { content-visibility: auto; }
      .skeletons { display: contents; }
    `,
  ];

  /** The track measured, paging and keys (src/elements/track-controller.ts): loaded once the carousel has cards. */
  #view: TrackController | undefined;

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const track = this.renderRoot.querySelector<HTMLElement>('.track');
    // Through the CSSOM, not a style attribute, so a strict Content-Security-Policy allows it.
    // An empty value removes the property (CSSOM), leaving the responsive default.
    const spv = Number(this.slidesPerView);
    track?.style.setProperty('--_spv', spv > 0 ? String(spv) : '');
    // Until then Previous and Next stay disabled (as before the first measure) and every card is a tab stop.
    if (this.state === 'ready') whenShown().then((chunk) => (this.#view ??= new chunk.TrackController(this)), () => {});
  }

  // ‹ and › are bidi-mirrored characters: in a right-to-left page the text itself turns them (test/browser/design-rtl.test.ts).
  protected override renderLayout(): TemplateResult {
    const labels = this.resolvedLabels;
    const ready = this.showsCards;
    const slides = { total: this.items.length };
    const heading = `${this.heading ?? ''}`.trim();
    // No white space between tags and parts: text nodes that nothing shows.
    return html`<section
      part="region"
      aria-roledescription="carousel"
      aria-labelledby=${heading ? 'heading' : nothing}
      aria-label=${heading ? nothing : labels.region}><div class="header">${this.renderHeading()}<div class="controls">
          <button part="prev" class="nav" type="button" aria-label=${labels.previous} ?disabled=${!ready || this.#view?.atStart !== false} @click=${() => this.#view?.page(-1)}>
            <span class="arrow" aria-hidden="true">‹</span>
          </button>
          <button part="next" class="nav" type="button" aria-label=${labels.next} ?disabled=${!ready || this.#view?.atEnd !== false} @click=${() => this.#view?.page(1)}>
            <span class="arrow" aria-hidden="true">›</span>
          </button>
        </div>
      </div>
      <div part="track" class="track" @scroll=${this.#view?.measure} @keydown=${this.#view?.keydown}>${
        /* Slides are divs (a group role is not allowed on an li); skeletons are list items, so they keep a list, laid out as the track's own cells. */ ready
          ? this.renderItems(slides)
          : html`<ul class="skeletons" role="none">${this.renderItems()}</ul>`
      }</div>
    </section>`;
  }
}
