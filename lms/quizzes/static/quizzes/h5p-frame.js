// Loaded inside the H5P player's frame: H5P core saves the member's state with
// jQuery POSTs to our server, which (like every session POST) needs the CSRF token.
(function () {
  "use strict";
  var cookies = "";
  try { cookies = (window.parent || window).document.cookie; } catch (e) { cookies = document.cookie; }
  var m = cookies.match(/(?:^|; )csrftoken=([^;]+)/);
  if (window.H5P && H5P.jQuery && m) {
    H5P.jQuery.ajaxSetup({headers: {"X-CSRFToken": decodeURIComponent(m[1])}});
  }
})();
