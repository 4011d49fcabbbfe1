/* The offline page: lists what was due on the member's last kept "today" page (the service worker keeps it), if
   there is one: the list items of its #due section (or its "nothing due" line). Only their text and same-site
   links are copied. Without a service worker or a kept page, the page just says it is offline. */
(function () {
  'use strict';
  var box = document.getElementById('offline-today');
  if (!box || !window.caches || !window.DOMParser) return;
  var list = document.getElementById('offline-today-items');
  var saved = document.getElementById('offline-today-saved');

  function text(node) {
    return (node.textContent || '').replace(/\s+/g, ' ').trim();
  }

  function show(html, date) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    var items = doc.querySelectorAll('#due li');
    if (!items.length) items = doc.querySelectorAll('#due .today-empty');
    var shown = 0;
    Array.prototype.forEach.call(items, function (item) {
      var label = text(item);
      if (!label || shown >= 50) return;
      var li = document.createElement('li');
      var link = item.matches('a[href]') ? item : item.querySelector('a[href]');
      var href = link && link.getAttribute('href');
      if (href && href.charAt(0) === '/' && href.charAt(1) !== '/') {
        var a = document.createElement('a');
        a.href = href;
        a.textContent = text(link) || label;
        li.appendChild(a);
        var rest = label.replace(a.textContent, '').trim();
        if (rest) li.appendChild(document.createTextNode(' ' + rest));
      } else {
        li.textContent = label;
      }
      list.appendChild(li);
      shown += 1;
    });
    if (!shown) return;
    if (date && !isNaN(date.getTime())) {
      saved.textContent = box.getAttribute('data-saved-label') + ' ' +
        date.toLocaleString(document.documentElement.lang || undefined);
    }
    box.hidden = false;
  }

  caches.match(box.getAttribute('data-today-url') || '/today/', {ignoreVary: true}).then(function (response) {
    if (!response || !response.ok) return null;
    var date = new Date(response.headers.get('Date') || '');
    return response.text().then(function (html) { show(html, date); });
  }).catch(function () {});
})();
