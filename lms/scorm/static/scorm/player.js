// Runs a package's SCOs in the sandboxed frame with scorm-again as the LMS runtime (window.API for SCORM 1.2,
// window.API_1484_11 for 2004). Each launch asks the server for the SCO's address, its commit URL and the data
// saved so far, so the SCO resumes where the member left off; every commit posts the whole data model to the
// server synchronously, as SCORM expects. Navigation: the manifest's order (previous / next) and choice.
(function () {
  "use strict";
  var root = document.querySelector("[data-scorm-player]");
  if (!root || typeof window.Scorm12API === "undefined") return;
  var frame = root.querySelector("[data-scorm-frame]");
  var status = root.querySelector("[data-scorm-status]");
  var buttons = Array.prototype.slice.call(root.querySelectorAll("[data-scorm-item]"));
  var is2004 = root.dataset.version !== "1.2";
  var current = null;
  var api = null;

  function say(text) { if (status) status.textContent = text || ""; }

  function markState(itemId, done) {
    var el = root.querySelector('[data-scorm-state="' + itemId + '"]');
    if (el) el.textContent = done ? root.dataset.doneLabel : root.dataset.startedLabel;
  }

  function responseHandler(itemId) {
    // The default handler, plus what the server says about completion.
    return function (xhr) {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status < 200 || xhr.status > 299 || !body) {
        say((body && body.error) || root.dataset.errorMessage);
        return {result: "false", errorCode: 101};
      }
      markState(itemId, body.done);
      if (body.lesson_completed) {
        say(root.dataset.doneMessage);
        var box = document.getElementById("lesson-status");
        if (box && !box.dataset.done) {
          box.dataset.done = "1";
          box.insertAdjacentHTML("afterbegin", "<p class=\"state state--done\">✓ " + root.dataset.doneMessage + "</p>");
        }
      } else if (!body.done) {
        say(root.dataset.savedMessage);
      }
      return {result: "true", errorCode: 0};
    };
  }

  function install(launch) {
    var settings = {
      lmsCommitUrl: launch.commit_url,
      autocommit: true,
      autocommitSeconds: 30,
      dataCommitFormat: "flattened",
      logLevel: 4,
      xhrResponseHandler: responseHandler(launch.item),
      // The final commit goes by sendBeacon; the URL's token authorizes it (no CSRF header possible).
      terminationCommitContentType: "application/json"
    };
    api = is2004 ? new window.Scorm2004API(settings) : new window.Scorm12API(settings);
    api.loadFromFlattenedJSON(launch.cmi, "");
    if (is2004) { window.API_1484_11 = api; } else { window.API = api; }
  }

  function select(button) {
    buttons.forEach(function (b) { b.removeAttribute("aria-current"); });
    if (button) button.setAttribute("aria-current", "step");
  }

  function launch(url, button) {
    // Unload the SCO first, so it finishes (and commits) against its own runtime before the next one starts.
    frame.onload = function () {
      frame.onload = null;
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json().then(function (data) { return {ok: r.ok, data: data}; }); })
        .then(function (res) {
          if (!res.ok) { say(res.data.error || root.dataset.errorMessage); return; }
          current = url;
          select(button);
          install(res.data);
          frame.src = res.data.src;
        })
        .catch(function () { say(root.dataset.errorMessage); });
    };
    frame.src = "about:blank";
  }

  function step(delta) {
    var index = buttons.findIndex(function (b) { return b.dataset.launchUrl === current; });
    var next = buttons[index + delta];
    if (next) launch(next.dataset.launchUrl, next);
  }

  buttons.forEach(function (b) {
    b.addEventListener("click", function () { launch(b.dataset.launchUrl, b); });
  });
  var prev = root.querySelector("[data-scorm-prev]");
  var nextButton = root.querySelector("[data-scorm-next]");
  if (prev) prev.addEventListener("click", function () { step(-1); });
  if (nextButton) nextButton.addEventListener("click", function () { step(1); });
  var first = buttons.find(function (b) { return b.dataset.launchUrl === root.dataset.startUrl; }) || null;
  launch(root.dataset.startUrl, first);
})();
