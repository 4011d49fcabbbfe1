/* The shell's script, on every page (templates/base.html): a box that scrolls sideways can be reached and scrolled
   with the keyboard (WCAG 2.1.1; axe's rule scrollable-region-focusable).

   On phones a wide table.data scrolls inside its own box (static/css/site.css), as do .table-scroll wrappers and
   <pre>. While such a box overflows and holds nothing focusable (no link, no field), it gets tabindex="0", so
   Tab reaches it and the arrow keys scroll it; the focus ring shows where the keyboard is. When it fits again
   (a wider window) the tabindex goes, so nothing that does not scroll becomes a stop on the Tab path. */
(function () {
  'use strict';
  var BOXES = 'table.data, .table-scroll, .table-wrap, pre';
  var FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  var MARK = 'data-scroll-focus';

  function scrolls(box) {
    if (box.scrollWidth <= box.clientWidth + 1) { return false; }
    var overflow = window.getComputedStyle(box).overflowX;
    return overflow === 'auto' || overflow === 'scroll';
  }

  function update() {
    var boxes = document.querySelectorAll(BOXES);
    for (var i = 0; i < boxes.length; i += 1) {
      var box = boxes[i];
      var ours = box.hasAttribute(MARK);
      if (ours && !scrolls(box)) {
        box.removeAttribute('tabindex');
        box.removeAttribute(MARK);
      } else if (!ours && !box.hasAttribute('tabindex') && scrolls(box) && !box.querySelector(FOCUSABLE)) {
        box.setAttribute('tabindex', '0');
        box.setAttribute(MARK, '');
      }
    }
  }

  var pending = false;
  function schedule() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; update(); });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', update);
  } else {
    update();
  }
  window.addEventListener('load', schedule);
  window.addEventListener('resize', schedule);
}());
