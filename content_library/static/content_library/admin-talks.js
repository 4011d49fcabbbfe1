/* Wagtail admin helpers for talks.
 * 1. Upload progress: a talk form with a chosen file is sent with XMLHttpRequest so a progress bar
 *    shows how much of a (possibly multi-GB) file has been sent. The server streams it to disk.
 * 2. Processing progress: elements with data-talk-progress="<id>" are refreshed from
 *    /talks/progress/?ids=… until their talk is ready or failed.
 */
(function () {
  "use strict";
  if (window.__talkAdmin) { return; }
  window.__talkAdmin = true;

  var PROGRESS_URL = "/talks/progress/";
  var DONE = { ready: true, failed: true };

  function uploadWithProgress(form, input) {
    form.addEventListener("submit", function (event) {
      if (!input.files || !input.files.length || !window.FormData) { return; }
      event.preventDefault();
      var box = document.createElement("div");
      box.className = "help-block";
      box.innerHTML = '<progress max="100" value="0" style="width:20rem"></progress> <span>0%</span>';
      input.parentNode.appendChild(box);
      var bar = box.querySelector("progress"), label = box.querySelector("span");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var pct = Math.floor((e.loaded / e.total) * 100);
        bar.value = pct;
        label.textContent = pct + "% (" + (e.loaded / 1048576).toFixed(1) + " / " + (e.total / 1048576).toFixed(1) + " MB)";
      });
      xhr.addEventListener("load", function () {
        if (xhr.responseURL && xhr.responseURL.split("#")[0] !== (form.action || window.location.href).split("#")[0]) {
          window.location.assign(xhr.responseURL);   // saved: follow the redirect
        } else {
          document.open(); document.write(xhr.responseText); document.close();   // form errors
        }
      });
      xhr.addEventListener("error", function () { label.textContent = "✗"; });
      xhr.send(new FormData(form));
    });
  }

  function pollProcessing() {
    var nodes = Array.prototype.slice.call(document.querySelectorAll("[data-talk-progress]"));
    var pending = nodes.filter(function (n) { return !DONE[n.getAttribute("data-status")]; });
    if (!pending.length || !window.fetch) { return; }
    var ids = pending.map(function (n) { return n.getAttribute("data-talk-progress"); });
    fetch(PROGRESS_URL + "?ids=" + ids.join(","), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { talks: [] }; })
      .then(function (data) {
        (data.talks || []).forEach(function (row) {
          document.querySelectorAll('[data-talk-progress="' + row.id + '"]').forEach(function (n) {
            var before = n.getAttribute("data-status");
            n.setAttribute("data-status", row.status);
            var label = n.querySelector("[data-status-label]");
            var bar = n.querySelector("[data-progress-bar]");
            var value = n.querySelector("[data-progress-value]");
            if (label) { label.textContent = row.status_label; }
            if (bar) { bar.value = row.progress; }
            if (value) { value.textContent = row.progress; }
            if (DONE[row.status] && before !== row.status) {
              // The bar, the number and its "%" sign go together (the sign alone stayed: "Ready %").
              var percent = n.querySelector("[data-progress-percent]");
              if (percent) { percent.remove(); }
              if (bar) { bar.remove(); }
              if (value) { value.parentNode && value.remove(); }
              if (row.error) {
                var err = document.createElement("small");
                err.textContent = row.error;
                n.appendChild(document.createElement("br"));
                n.appendChild(err);
              }
            }
          });
        });
        setTimeout(pollProcessing, 2500);
      })
      .catch(function () { setTimeout(pollProcessing, 5000); });
  }

  function init() {
    document.querySelectorAll('input[type="file"][data-talk-upload]').forEach(function (input) {
      if (input.form) { uploadWithProgress(input.form, input); }
    });
    pollProcessing();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
