// Server-rendered placements (src/proxy/html-answer.ts): this chunk loads only for an
// element that arrived with declarative shadow DOM and its answer beside it.
import { ReactiveElement, render, type PropertyValues } from 'lit';
import { hydrate } from '@lit-labs/ssr-client';
import { cleanResult } from '../model/clean-item.js';
import type { LoadedRecs } from '../data/load-recs.js';
import type { RecsElement } from './recs-element.js';

type Host = RecsElement & { render(): unknown; update(changed: PropertyValues): void; renderOptions: { renderBefore?: ChildNode | null; isConnected?: boolean } };

/** The server's rendering, but for its styles: for when its cards cannot be kept. */
function clear(element: Host): void {
  const root = element.renderRoot as ShadowRoot & { _$litPart$?: unknown };
  for (const node of [...root.childNodes]) if (!(node instanceof HTMLStyleElement || node instanceof HTMLLinkElement)) node.remove();
  delete root._$litPart$;
  element.renderOptions.renderBefore = root.firstChild;
}

/**
 * Takes the server's answer (`<script type="application/json" data-recs>`) as the element's
 * result: items, tracker id and state are set before the first update, and that update
 * hydrates the server's DOM (same nodes, listeners added) instead of rendering. Unreadable
 * data leaves a plain element that fetches as usual; templates that differ from the
 * server's (another release of the script than the proxy's) are rendered afresh, in the
 * same task, so nothing flashes. Returns the answer as the data layer would give it.
 */
export function adopt(element: RecsElement, data: Element): LoadedRecs | undefined {
  const host = element as Host;
  // Inserted by script (innerHTML) or in a browser without declarative shadow DOM, the server's
  // shadow root is still a <template> child: its content joins the shadow root now (and is no card template).
  const template = element.querySelector<HTMLTemplateElement>(':scope>template[shadowrootmode]');
  if (template) host.renderRoot.append(template.content);
  template?.remove();
  let result: LoadedRecs;
  try {
    const transport = typeof element.transport === 'string' ? element.transport : 'proxy';
    // Page HTML is input like any other: cleaned again, as a fetched answer is.
    result = { ...cleanResult(JSON.parse(data.textContent ?? ''), 'server-rendered'), source: 'primary', transport };
  } catch {
    clear(host);
    return undefined;
  }
  element.items = result.items;
  element.trackerId = result.trackerId;
  element.state = result.items.length ? 'ready' : 'empty';
  // A copy of the element (cloneNode copies no shadow root) has the answer but not the server's
  // DOM, whose parts start with a comment: its first update renders, as Lit's always does.
  if (![...host.renderRoot.childNodes].some((node) => node.nodeType === Node.COMMENT_NODE)) return result;
  // The first update only, on this instance: later ones are LitElement's own.
  host.update = (changed: PropertyValues) => {
    delete (host as Partial<Host>).update;
    const value = host.render();
    // What LitElement's update does besides rendering: reflect attributes, note the connection.
    ReactiveElement.prototype['update'].call(host, changed);
    host.renderOptions.isConnected = host.isConnected;
    try {
      // Lit keeps the root part on renderBefore when set (the server's <style>, from createRenderRoot);
      // hydration keeps it on the shadow root, so later renders must look there.
      host.renderOptions.renderBefore = undefined;
      hydrate(value, host.renderRoot, host.renderOptions);
    } catch {
      clear(host);
      render(value, host.renderRoot, host.renderOptions);
    }
  };
  return result;
}
