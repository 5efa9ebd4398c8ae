// The last classic script before the widget on the node-driven test pages: records what
// a strict or hostile page would complain about, and what the page held before the widget.
(function () {
  var watch = { violations: [], errors: [] };
  window.__recsWatch = watch;
  addEventListener('securitypolicyviolation', function (event) {
    watch.violations.push(event.effectiveDirective + ' blocked ' + event.blockedURI + (event.sample ? ' (' + event.sample + ')' : '') + ' at ' + event.sourceFile + ':' + event.lineNumber);
  });
  addEventListener('error', function (event) { watch.errors.push(String(event.message)); });
  addEventListener('unhandledrejection', function (event) { watch.errors.push(String(event.reason)); });
  // Own names of the page's globals and of the built-ins a widget might be tempted to extend.
  watch.snapshot = function () {
    var builtins = { window: window, Object: Object.prototype, Array: Array.prototype, Function: Function.prototype,
      String: String.prototype, Promise: Promise.prototype, EventTarget: EventTarget.prototype, Node: Node.prototype,
      Element: Element.prototype, HTMLElement: HTMLElement.prototype, Document: Document.prototype };
    var names = {};
    for (var key in builtins) names[key] = Object.getOwnPropertyNames(builtins[key]).sort();
    return { names: names, fetch: window.fetch, define: customElements.define, get: customElements.get };
  };
  watch.before = watch.snapshot();
})();
