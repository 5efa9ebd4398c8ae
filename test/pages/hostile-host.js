// What old storefront code does to a page before any widget loads.
(function () {
  // Prototype.js 1.6/1.7: enumerable Array methods, Array.from without a mapping function,
  // and Array#toJSON returning a string (JSON.stringify([1]) === '"[1]"').
  Array.prototype.each = function (iterator) { for (var i = 0; i < this.length; i++) iterator(this[i], i); };
  Array.prototype.include = function (value) { return this.indexOf(value) !== -1; };
  Array.prototype.first = function () { return this[0]; };
  Array.prototype.toJSON = function () { return '[' + this.join(', ') + ']'; };
  Array.from = function (iterable) {
    if (!iterable) return [];
    var length = iterable.length || 0, results = new Array(length);
    while (length--) results[length] = iterable[length];
    return results;
  };
  // An unconditional ES3 polyfill of Array#map: enumerable, not native.
  Array.prototype.map = function (callback, thisArg) {
    var result = new Array(this.length);
    for (var i = 0; i < this.length; i++) if (i in this) result[i] = callback.call(thisArg, this[i], i, this);
    return result;
  };
  // An analytics snippet that wraps fetch to add a header, then calls the original.
  var originalFetch = window.fetch;
  window.hostFetchCalls = [];
  window.fetch = function (input, init) {
    init = Object.assign({}, init);
    var headers = new Headers(init.headers || {});
    headers.set('x-host-trace', 'abc123');
    init.headers = headers;
    window.hostFetchCalls.push(String(input && input.url ? input.url : input));
    return originalFetch.call(this, input, init);
  };
  // A RequireJS-style AMD loader.
  window.define = function () { window.define.calls.push(Array.prototype.slice.call(arguments)); };
  window.define.amd = {};
  window.define.calls = [];
})();
