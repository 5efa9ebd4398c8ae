// Loaded before the widget on the hygiene page. Counts observers, timers, animation frames
// and window/document listeners as they are created and cleaned up, holding no reference
// to any element, so the count itself cannot keep a removed widget alive.
(function () {
  // Observers created so far, and the records of those observing something now.
  var observers = { created: 0, observing: new Set() };
  var timers = new Map();
  var frames = new Set();
  var listeners = new Set();

  function wrapObserver(name) {
    var Native = window[name];
    var byObserver = new WeakMap();
    function Counted(callback, options) {
      var observer = new Native(callback, options);
      var record = { name: name, index: observers.created++, observed: 0, targets: new WeakSet() };
      byObserver.set(observer, record);
      return observer;
    }
    Counted.prototype = Native.prototype;
    var proto = Native.prototype;
    var observe = proto.observe, unobserve = proto.unobserve, disconnect = proto.disconnect;
    proto.observe = function (target, options) {
      var record = byObserver.get(this);
      if (record && !record.targets.has(target)) { record.targets.add(target); record.observed++; observers.observing.add(record); }
      return observe.call(this, target, options);
    };
    if (unobserve) proto.unobserve = function (target) {
      var record = byObserver.get(this);
      if (record && record.targets.has(target)) { record.targets.delete(target); if (--record.observed === 0) observers.observing.delete(record); }
      return unobserve.call(this, target);
    };
    proto.disconnect = function () {
      var record = byObserver.get(this);
      if (record) { record.targets = new WeakSet(); record.observed = 0; observers.observing.delete(record); }
      return disconnect.call(this);
    };
    window[name] = Counted;
  }
  wrapObserver('IntersectionObserver');
  wrapObserver('ResizeObserver');
  wrapObserver('MutationObserver');

  function wrapTimer(set, clear, repeats) {
    var nativeSet = window[set], nativeClear = window[clear];
    window[set] = function (callback, delay) {
      var args = Array.prototype.slice.call(arguments, 2);
      var id = nativeSet.call(window, function () {
        if (!repeats) timers.delete(id);
        return typeof callback === 'function' ? callback.apply(this, args) : undefined;
      }, delay);
      timers.set(id, set + '(' + (delay || 0) + ')');
      return id;
    };
    window[clear] = function (id) { timers.delete(id); return nativeClear.call(window, id); };
  }
  wrapTimer('setTimeout', 'clearTimeout', false);
  wrapTimer('setInterval', 'clearInterval', true);

  var nativeFrame = window.requestAnimationFrame, nativeCancelFrame = window.cancelAnimationFrame;
  window.requestAnimationFrame = function (callback) {
    var id = nativeFrame.call(window, function (time) { frames.delete(id); callback(time); });
    frames.add(id);
    return id;
  };
  window.cancelAnimationFrame = function (id) { frames.delete(id); return nativeCancelFrame.call(window, id); };

  // Listeners on window and document, keyed as the browser keys them: target, type, listener, capture.
  var ids = new WeakMap(), nextId = 0;
  function key(target, type, listener, options) {
    if (!ids.has(listener)) ids.set(listener, ++nextId);
    var capture = typeof options === 'boolean' ? options : Boolean(options && options.capture);
    return (target === window ? 'window' : 'document') + ' ' + type + ' #' + ids.get(listener) + (capture ? ' capture' : '');
  }
  var add = EventTarget.prototype.addEventListener, remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, listener, options) {
    if ((this === window || this === document) && listener) listeners.add(key(this, type, listener, options));
    return add.call(this, type, listener, options);
  };
  EventTarget.prototype.removeEventListener = function (type, listener, options) {
    if ((this === window || this === document) && listener) listeners.delete(key(this, type, listener, options));
    return remove.call(this, type, listener, options);
  };

  // `since`: only observers created after that many (the test tool's own come before).
  window.__recsResources = function (since) {
    return {
      observersCreated: observers.created,
      observersLeft: Array.from(observers.observing).filter(function (record) { return record.index >= (since || 0); }).map(function (record) { return record.name + ' observing ' + record.observed; }),
      timersPending: Array.from(timers.values()),
      framesPending: frames.size,
      listeners: Array.from(listeners).sort(),
    };
  };
})();
