// Relais back office: keyboard shortcuts (progressive enhancement; every action also works
// with the ordinary controls and without JavaScript).
//
// An element with data-key="x" is the target of the key x: a link or button is clicked, any
// other control gets the focus (its closed <details> opened first). On the case list, j and k
// move between the cases and x ticks the current one. Shortcuts never fire while typing in a
// field, with Ctrl/Alt/Meta held, or after the user turned them off (WCAG 2.1.4: the switch in
// the shortcuts' help is kept in this browser).
(function () {
  'use strict';
  var STORE = 'relais-shortcuts';
  function enabled() {
    try { return localStorage.getItem(STORE) !== 'off'; } catch (e) { return true; }
  }
  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
  }
  function reveal(el) {
    for (var p = el.parentElement; p; p = p.parentElement) {
      if (p.tagName === 'DETAILS' && !p.open) p.open = true;
    }
  }
  function go(el) {
    reveal(el);
    if (el.tagName === 'A' || el.tagName === 'BUTTON') {
      el.click();
    } else {
      el.focus();
      if (el.scrollIntoView) el.scrollIntoView({ block: 'center' });
    }
  }
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll('[data-case-row]'));
  }
  function currentRow(list) {
    var active = document.activeElement;
    for (var i = 0; i < list.length; i++) {
      if (list[i].contains(active)) return i;
    }
    return -1;
  }
  function move(step) {
    var list = rows();
    if (!list.length) return false;
    var i = currentRow(list);
    var next = i < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, i + step));
    var link = list[next].querySelector('a');
    if (link) link.focus();
    return true;
  }
  function tick() {
    var list = rows();
    var i = currentRow(list);
    if (i < 0) return false;
    var box = list[i].querySelector('input[type=checkbox]');
    if (!box) return false;
    box.click();
    var link = list[i].querySelector('a');
    if (link) link.focus();
    return true;
  }
  document.addEventListener('keydown', function (e) {
    if (!enabled() || e.ctrlKey || e.altKey || e.metaKey || typing(e.target)) return;
    var key = e.key;
    var handled = false;
    if (key === 'j') handled = move(1);
    else if (key === 'k') handled = move(-1);
    else if (key === 'x') handled = tick();
    if (!handled && key.length === 1) {
      var target = document.querySelector('[data-key="' + (key === '"' ? '\\"' : key) + '"]');
      if (target) { go(target); handled = true; }
    }
    if (handled) e.preventDefault();
  });
  // The switch is shown only where the shortcuts work (with JavaScript).
  document.addEventListener('DOMContentLoaded', function () {
    var box = document.getElementById('shortcuts-enabled');
    if (!box) return;
    var wrap = document.getElementById('shortcuts-switch');
    if (wrap) wrap.hidden = false;
    box.checked = enabled();
    box.addEventListener('change', function () {
      try { localStorage.setItem(STORE, box.checked ? 'on' : 'off'); } catch (err) { /* private mode */ }
    });
  });
})();
