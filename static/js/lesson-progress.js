// Reports study progress to the server. The server decides what counts:
// it only credits seconds that wall-clock time allows, so seeking ahead earns nothing.
(function () {
  var root = document.getElementById("lesson");
  if (!root || root.dataset.loggedIn !== "1") return;
  var url = root.dataset.heartbeatUrl;
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function send(position, event) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify({position: position, event: event})
    }).then(function (r) { return r.json(); }).then(function (data) {
      var el = document.getElementById("watched-seconds");
      if (el && data.watched_seconds !== undefined) el.textContent = Math.round(data.watched_seconds);
      if (data.completed) {
        var status = document.getElementById("lesson-status");
        if (status && !status.dataset.done) {
          status.dataset.done = "1";
          status.insertAdjacentHTML("afterbegin", "<p>✓ " + (data.message || "") + "</p>");
        }
      }
    }).catch(function () { /* the next beat retries */ });
  }
  var player = root.querySelector("video[data-talk-player], audio[data-talk-player]");
  if (player && root.dataset.rule === "video") {
    var lastPlayed = 0, lastSent = 0;
    player.addEventListener("timeupdate", function () {
      if (player.seeking) return;
      lastPlayed = player.currentTime;
      if (Date.now() - lastSent > 5000) { lastSent = Date.now(); send(lastPlayed, "progress"); }
    });
    player.addEventListener("play", function () { lastSent = Date.now(); send(player.currentTime, "seek"); });
    player.addEventListener("seeking", function () { send(lastPlayed, "progress"); });
    player.addEventListener("seeked", function () { lastPlayed = player.currentTime; send(player.currentTime, "seek"); });
    player.addEventListener("pause", function () { send(player.currentTime, "pause"); });
    player.addEventListener("ended", function () { send(player.currentTime, "ended"); });
  } else {
    // Reading time: count only while the page is visible.
    send(0, "time");
    setInterval(function () { if (!document.hidden) send(0, "time"); }, 15000);
  }
})();
