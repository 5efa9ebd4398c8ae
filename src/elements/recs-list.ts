import { css, html, type TemplateResult } from 'lit';
import { RecsElement } from './recs-element.js';
import { baseStyles } from './styles.js';

/**
 * Recommendations as a responsive grid: as many columns of `--recs-card-width` as fit.
 *
 * @cssproperty --recs-card-width - Minimum card width (default 180px).
 * @csspart list - The grid (`ul`).
 */
export class RecsList extends RecsElement {
  static override styles = [
    baseStyles,
    css`
      .grid {
        display: grid;
        gap: var(--recs-gap, 16px);
        grid-template-columns: repeat(auto-fill, minmax(min(var(--recs-card-width, 180px), 100%), 1fr));
      }
    `,
  ];

  protected override renderLayout(): TemplateResult {
    return html`${this.renderHeading()}<ul part="list" class="grid">${this.renderItems()}</ul>`;
  }
}
