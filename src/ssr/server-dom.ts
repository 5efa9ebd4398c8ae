import { escapeHtml } from '@lit-labs/ssr/lib/util/escape-html.js';
import type { CardDocument } from '../elements/card.js';

/** The elements the cards use that have no end tag. */
const VOID = new Set(['img']);

/**
 * What src/elements/card.ts calls to make cards (createElement, createDocumentFragment, setAttribute, append),
 * writing HTML instead of DOM: the server's cards come from the same code as the
 * browser's. Text and attribute values are escaped, so data stays text here too.
 */
export class HtmlNode {
  readonly #attributes = new Map<string, string>();
  readonly #children: (HtmlNode | string)[] = [];

  constructor(readonly localName: string) {}

  setAttribute(name: string, value: string): void {
    this.#attributes.set(name, `${value}`);
  }

  append(...children: (HtmlNode | string)[]): void {
    this.#children.push(...children);
  }

  get outerHTML(): string {
    // A fragment (no name) is its children.
    if (!this.localName) return this.#children.map((child) => (typeof child === 'string' ? escapeHtml(child) : child.outerHTML)).join('');
    let html = `<${this.localName}`;
    for (const [name, value] of this.#attributes) html += ` ${name}="${escapeHtml(value)}"`;
    html += '>';
    if (VOID.has(this.localName)) return html;
    for (const child of this.#children) html += typeof child === 'string' ? escapeHtml(child) : child.outerHTML;
    return `${html}</${this.localName}>`;
  }
}

export const serverDocument = { createElement: (tag: string) => new HtmlNode(tag), createDocumentFragment: () => new HtmlNode('') } as unknown as CardDocument;
