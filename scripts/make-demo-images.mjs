// Draws the demo catalog's product pictures: one small flat SVG per item in
// demo/catalog.json, written to demo/public/images/<id>.svg. Deterministic: the
// background comes from the category, the product's colours from a hash of its id,
// so re-running it after editing the catalog only changes what changed.
//
//   node scripts/make-demo-images.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const root = new URL('../demo/', import.meta.url);
const outDir = new URL('public/images/', root);
const { items } = JSON.parse(readFileSync(new URL('catalog.json', root), 'utf8'));

/** FNV-1a: a stable 32-bit hash, so an id always gets the same colours. */
function hash(text) {
  let h = 0x811c9dc5;
  for (const char of text) h = Math.imul(h ^ char.codePointAt(0), 0x01000193) >>> 0;
  return h;
}

/** hsl() as #rrggbb: hex is understood by every SVG renderer. */
function hsl(h, s, l) {
  const a = (s / 100) * Math.min(l / 100, 1 - l / 100);
  const channel = (n) => {
    const k = (n + h / 30) % 12;
    const value = l / 100 - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255).toString(16).padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

// Product colours, picked by id hash; the category only tints the background.
const palette = ['#e4572e', '#2e86ab', '#3bb273', '#f2a541', '#7768ae', '#d64550', '#1b998b', '#c06e52', '#33658a', '#e8c547'];

// Each icon is drawn in a 400x400 box standing on a "floor" at y = 300.
// m = main colour, a = accent colour, k = ink (dark shade of the category hue).
const icons = {
  Shoes: { hue: 22, draw: (m, a, k) =>
    `<path d="M66 276h262a20 20 0 0 1 0 32H84a18 18 0 0 1-18-18z" fill="${k}"/>` +
    `<path d="M74 280l10-92q4-16 22-12l44 10q20 30 52 26l34-4q70 22 92 52q8 14 2 20z" fill="${m}"/>` +
    `<path d="M84 188q4-16 22-12l44 10q-2 26-30 30q-32 2-36-28z" fill="${a}"/>` +
    `<path d="M70 272h262v10H70z" fill="#fff" opacity=".85"/>` +
    `<path d="M196 214l14 20m12-22l14 20m12-16l12 18" stroke="#fff" stroke-width="7" stroke-linecap="round"/>` },
  Jackets: { hue: 205, draw: (m, a, k) =>
    `<path d="M172 100l-40 16-34 34-30 120 36 10 24-84v116h144V196l24 84 36-10-30-120-34-34-40-16z" fill="${m}"/>` +
    `<path d="M172 100q28 44 56 0q-10-14-28-14t-28 14z" fill="${a}"/>` +
    `<path d="M200 124v188" stroke="${k}" stroke-width="5"/>` +
    `<path d="M148 246l28-8m76 8l-28-8" stroke="${k}" stroke-width="5" stroke-linecap="round"/>` },
  Backpacks: { hue: 140, draw: (m, a, k) =>
    `<path d="M180 112q0-28 20-28t20 28" fill="none" stroke="${k}" stroke-width="9"/>` +
    `<rect x="122" y="108" width="156" height="200" rx="42" fill="${m}"/>` +
    `<path d="M122 152q0-44 44-44h68q44 0 44 44v22q-78 22-156 0z" fill="${a}"/>` +
    `<rect x="148" y="224" width="104" height="68" rx="18" fill="${a}"/>` +
    `<path d="M165 170v44m70-44v44" stroke="${k}" stroke-width="10" stroke-linecap="round"/>` },
  Tents: { hue: 45, draw: (m, a, k) =>
    `<path d="M200 110V86l30 9-30 9" fill="${a}" stroke="${k}" stroke-width="5"/>` +
    `<path d="M64 304L200 110l136 194z" fill="${m}"/>` +
    `<path d="M200 110l136 194H200z" fill="#000" opacity=".12"/>` +
    `<path d="M200 176l46 128h-92z" fill="${k}"/>` +
    `<path d="M200 176l46 128h-30z" fill="${a}"/>` },
  'Camp Kitchen': { hue: 355, draw: (m, a, k) =>
    `<path d="M170 132q-14-20 0-40m40 40q-14-20 0-40" fill="none" stroke="${k}" stroke-width="7" stroke-linecap="round" opacity=".3"/>` +
    `<path d="M262 184h18q28 0 28 30v16q0 32-32 32h-14" fill="none" stroke="${m}" stroke-width="18"/>` +
    `<path d="M120 160h142v106q0 38-38 38h-66q-38 0-38-38z" fill="${m}"/>` +
    `<rect x="114" y="150" width="154" height="18" rx="9" fill="${k}"/>` +
    `<circle cx="156" cy="220" r="5" fill="#fff" opacity=".6"/><circle cx="214" cy="252" r="4" fill="#fff" opacity=".6"/><circle cx="236" cy="196" r="3" fill="#fff" opacity=".6"/>` +
    `<path d="M120 196h142" stroke="${a}" stroke-width="10"/>` },
  'Home & Cabin': { hue: 270, draw: (m, a, k) =>
    `<circle cx="262" cy="92" r="12" fill="${k}" opacity=".15"/><circle cx="282" cy="70" r="16" fill="${k}" opacity=".1"/>` +
    `<rect x="244" y="108" width="26" height="60" fill="${k}"/>` +
    `<rect x="112" y="192" width="176" height="112" fill="${m}"/>` +
    `<path d="M86 204l114-92 114 92z" fill="${a}"/>` +
    `<rect x="180" y="236" width="40" height="68" rx="4" fill="${k}"/>` +
    `<path d="M132 218h34v34h-34zm102 0h34v34h-34z" fill="#ffe9a8" stroke="${k}" stroke-width="5"/>` +
    `<path d="M149 218v34m-17-17h34m85-17v34m-17-17h34" stroke="${k}" stroke-width="4"/>` },
};

// Anything outside the known categories still gets a tidy parcel.
const fallbackIcon = { hue: undefined, draw: (m, a, k) =>
  `<rect x="110" y="130" width="180" height="170" rx="14" fill="${m}"/>` +
  `<path d="M110 170h180M200 130v170" stroke="${a}" stroke-width="16"/>` +
  `<rect x="110" y="130" width="180" height="170" rx="14" fill="none" stroke="${k}" stroke-width="4" opacity=".3"/>` };

function svgFor(item) {
  const h = hash(item.id);
  const icon = icons[item.category?.[0]] ?? fallbackIcon;
  const hue = icon.hue ?? h % 360;
  const main = palette[h % palette.length];
  const accent = palette[(h + 1 + ((h >>> 8) % (palette.length - 1))) % palette.length]; // never equal to main
  const ink = hsl(hue, 35, 22);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400">` +
    `<rect width="400" height="400" fill="${hsl(hue, 55, 94)}"/>` +
    `<circle cx="200" cy="196" r="148" fill="${hsl(hue, 50, 86)}"/>` +
    `<ellipse cx="200" cy="310" rx="146" ry="12" fill="${ink}" opacity=".14"/>` +
    icon.draw(main, accent, ink) +
    `</svg>\n`
  );
}

mkdirSync(outDir, { recursive: true });
let largest = 0;
for (const item of items) {
  if (!/^[\w-]+$/.test(item.id)) throw new Error(`unsafe id for a file name: ${item.id}`);
  const svg = svgFor(item);
  largest = Math.max(largest, svg.length);
  writeFileSync(new URL(`${item.id}.svg`, outDir), svg);
}
console.log(`wrote ${items.length} images to demo/public/images/ (largest ${largest} bytes)`);
