/* Registers the service worker (/sw.js, scope /) that makes the site installable and opens the offline page
   without a connection. Nothing happens where service workers are unsupported, on plain http (not a secure
   context), in the admin, or while offline (the installed worker keeps working; the update check waits). */
(function () {
  'use strict';
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  if (/^\/(django-)?admin(\/|$)/.test(window.location.pathname)) return;
  function register() {
    if (navigator.onLine === false) return;
    navigator.serviceWorker.register('/sw.js', {scope: '/'}).catch(function (error) {
      if (window.console && console.warn) console.warn('Service worker not registered:', error);
    });
  }
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register);
})();
