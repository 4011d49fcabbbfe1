// Plays H5P content with h5p-standalone and forwards the xAPI statements it emits
// to the server, which checks them (right member, right content) and records the result.
(function () {
  "use strict";
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  var KEPT = /\/(answered|completed|passed|failed|attempted)$/;
  var queue = Promise.resolve();

  function send(el, statement) {
    var status = el.parentNode.querySelector(".h5p-status");
    // One at a time, in order, so "answered" is stored before "completed".
    queue = queue.then(function () {
      return fetch(el.dataset.xapiUrl, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
        body: JSON.stringify(statement)
      }).then(function (r) {
        return r.json().then(function (data) {
          if (!status) return;
          if (!r.ok) { status.textContent = data.error || r.statusText; return; }
          if (data.stored) status.textContent = el.dataset.doneMessage;
          if (data.lesson_completed) {
            var box = document.getElementById("lesson-status");
            if (box && !box.dataset.done) {
              box.dataset.done = "1";
              box.insertAdjacentHTML("afterbegin", "<p>✓ " + el.dataset.doneMessage + "</p>");
            }
          }
        });
      }).catch(function () { if (status) status.textContent = ""; });
    });
  }

  var players = document.querySelectorAll("[data-h5p-player]");
  if (!players.length || typeof H5PStandalone === "undefined") return;
  var chain = Promise.resolve();
  players.forEach(function (el) {
    // Several players on a page must be created one after the other.
    chain = chain.then(function () {
      return new H5PStandalone.H5P(el, {
        id: el.dataset.contentId,
        h5pJsonPath: el.dataset.contentUrl,
        frameJs: el.dataset.frameJs,
        frameCss: el.dataset.frameCss,
        xAPIObjectIRI: el.dataset.xapiIri,
        user: {name: el.dataset.userName, mail: el.dataset.userMail},
        // The member's progress inside the content is saved and restored by our server.
        saveFreq: 15,
        ajax: {contentUserDataUrl: el.dataset.userDataUrl},
        customJs: [el.dataset.frameHelper],
        frame: false, copyright: false, export: false, icon: false, fullScreen: true
      }).then(function () {
        // The frame the player made is named after the content, for screen readers (WCAG: frame-title).
        var frame = el.querySelector("iframe");
        if (frame && !frame.title) frame.title = el.dataset.title || "";
        H5P.externalDispatcher.on("xAPI", function (event) {
          var statement = event.data && event.data.statement;
          if (!statement || !statement.verb || !KEPT.test(statement.verb.id || "")) return;
          var objectId = (statement.object && statement.object.id) || "";
          var iri = el.dataset.xapiIri;
          if (objectId !== iri && objectId.indexOf(iri + "?") !== 0) return;
          // Statements carry an id so that the server stores and credits each one once, even if sent again.
          if (!statement.id && window.crypto && window.crypto.randomUUID) statement.id = window.crypto.randomUUID();
          send(el, statement);
        });
      });
    });
  });
})();
