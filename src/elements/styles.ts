import { css } from 'lit';

/**
 * Shared by both elements. Sizes are in px, never rem or em from the page, so a host
 * page's `html { font-size }` cannot reflow the cards; only the documented custom
 * properties and parts reach inside.
 */
export const baseStyles = css`
  :host {
    display: block;
    contain: layout style;
    color: var(--recs-color-text, #1a1a1a);
    font: var(--recs-font, 400 14px/20px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_gap: var(--recs-gap, 16px);
    --_card-width: var(--recs-card-width, 180px);
    --_radius: var(--recs-radius, 8px);
  }
  :host([hidden]) { display: none; }
  * { box-sizing: border-box; }
  .root { display: block; }
  button {
    box-sizing: border-box;
    display: inline-grid;
    place-items: center;
    margin: 0;
    padding: 0 12px;
    min-height: 24px;
    font: inherit;
    cursor: pointer;
  }
  button:focus-visible { outline: 2px solid var(--recs-color-accent, #2f5bd3); outline-offset: 2px; }
  .add {
    margin-top: 8px;
    height: 36px;
    border-radius: var(--_radius);
    border: 0;
    color: var(--recs-button-text, #fff);
    background: var(--recs-color-accent, #2f5bd3);
  }
  .add:disabled { opacity: 0.5; cursor: default; }
  [part='empty'] { margin: 0; color: var(--recs-color-muted, #5c5c5c); }
  .heading {
    margin: 0 0 12px;
    font: var(--recs-heading-font, 600 18px/24px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    color: var(--recs-heading-color, inherit);
  }
  ul { list-style: none; margin: 0; padding: 0; }
  .card { display: flex; flex-direction: column; min-width: 0; }
  .link {
    display: flex;
    flex-direction: column;
    gap: 4px;
    flex: 1;
    color: inherit;
    text-decoration: none;
    border-radius: var(--_radius);
    outline-offset: 2px;
  }
  .link:focus-visible { outline: 2px solid var(--recs-color-accent, #2f5bd3); }
  .media {
    display: block;
    aspect-ratio: var(--recs-image-ratio, 1 / 1);
    border-radius: var(--_radius);
    overflow: hidden;
    background: var(--recs-image-background, #f2f2f2);
  }
  .media img, .no-image { display: block; width: 100%; height: 100%; object-fit: var(--recs-image-fit, cover); }
  .line { display: flex; gap: 8px; align-items: center; height: 20px; overflow: hidden; white-space: nowrap; }
  .brand { color: var(--recs-color-muted, #5c5c5c); font-size: 12px; text-overflow: ellipsis; display: block; }
  .title {
    display: -webkit-box;
    -webkit-line-clamp: 2;
    -webkit-box-orient: vertical;
    overflow: hidden;
    height: 40px;
    overflow-wrap: anywhere;
  }
  .price { font-weight: 600; color: var(--recs-price-color, inherit); }
  .badge {
    font-size: 12px;
    line-height: 18px;
    padding: 0 6px;
    border-radius: 4px;
    color: var(--recs-badge-color, #7a1d1d);
    background: var(--recs-badge-background, #fbe9e9);
  }
  .skeleton .bar {
    display: block;
    width: 100%;
    height: 12px;
    border-radius: 4px;
    background: var(--recs-skeleton-color, #ececec);
  }
  .skeleton .media { background: var(--recs-skeleton-color, #ececec); }
  .skeleton .bar.short { width: 50%; }
  .skeleton .title { padding-top: 4px; }
  @media (prefers-reduced-motion: no-preference) {
    .skeleton .media, .skeleton .bar { animation: recs-pulse 1.5s ease-in-out infinite; }
  }
  @keyframes recs-pulse { 50% { opacity: 0.55; } }
`;
