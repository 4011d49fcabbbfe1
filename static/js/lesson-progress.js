// Reports study progress to the server. The server decides what counts: it only credits seconds that wall-clock
// time allows, so seeking ahead earns nothing, and it judges the confirm button again when it is pressed.
//
// Text and document lessons with a minimum study time show a countdown (mm:ss, every second) that follows what
// the server has credited: each heartbeat's answer resets it, it stands still while the page is hidden (hidden
// time is not credited in full), and at zero it asks the server once more before the confirm button is enabled.
// Nothing is credited here: the countdown only shows what the server will accept.
(function () {
  "use strict";
  var root = document.getElementById("lesson");
  if (!root || root.dataset.loggedIn !== "1") return;
  var url = root.dataset.heartbeatUrl;
  var minSeconds = parseFloat(root.dataset.minSeconds || "0") || 0;

  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  // 754 → "12:34", 3725 → "1:02:05" (lms.common.units.timecode).
  function clock(seconds) {
    var total = Math.max(0, Math.floor(seconds || 0));
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return h ? h + ":" + pad(m) + ":" + pad(s) : m + ":" + pad(s);
  }

  // ---------------------------------------------------------------------------------------------- countdown
  var countdown = null;
  var box = document.querySelector("[data-countdown]");
  if (box && root.dataset.rule === "confirm") {
    countdown = (function () {
      // At zero the server is asked a moment later, so that the time it credits is past the minimum.
      var SLACK_MS = 150;
      var value = box.querySelector("[data-countdown-value]");
      var done = document.querySelector("[data-countdown-done]");
      var announce = document.querySelector("[data-countdown-announce]");
      var button = document.querySelector("#lesson-status [data-confirm]");
      var now = function () { return window.performance && performance.now ? performance.now() : Date.now(); };
      var deadline = now() + (parseFloat(box.dataset.remaining) || 0) * 1000;
      var pausedLeft = null, asking = false, finished = false, shown = null, timer = null;

      function left() {
        var ms = pausedLeft !== null ? pausedLeft : deadline - now();
        return Math.max(0, Math.ceil(ms / 1000 - 1e-3));
      }
      function lock(locked) {
        if (!button) return;
        button.disabled = locked;
        if (locked && box.id) { button.setAttribute("aria-describedby", box.id); }
        else { button.removeAttribute("aria-describedby"); }
      }
      function finish() {
        finished = true;
        clearInterval(timer);
        box.hidden = true;
        if (done) done.hidden = false;
        if (announce && done) announce.textContent = done.textContent;
        lock(false);
      }
      function tick() {
        if (finished) return;
        var seconds = left();
        if (seconds !== shown) {
          shown = seconds;
          value.textContent = clock(seconds);
          box.dataset.remaining = String(seconds);
        }
        if (!asking && pausedLeft === null && now() >= deadline + SLACK_MS) {
          asking = true;  // the server, not this clock, says whether the time is there
          send(0, "time", true).then(function (data) {
            asking = false;
            if (!data) finish();  // no answer: leave the judgement to the server when the button is pressed
          });
        }
      }
      lock(true);
      tick();
      timer = setInterval(tick, 250);
      document.addEventListener("visibilitychange", function () {
        if (finished) return;
        if (document.hidden) { pausedLeft = Math.max(0, deadline - now()); return; }
        deadline = now() + (pausedLeft || 0);
        pausedLeft = null;
        tick();
      });
      return {
        // What the server has credited so far (a heartbeat's answer); ``asked``: the answer to the question at zero.
        sync: function (spent, asked) {
          if (finished) return;
          // The answer is rounded to 0.1 s: ready once it is a tenth above the minimum (the exact figure is then
          // at or above it, as the server's confirm requires).
          if (spent >= minSeconds + 0.1 - 1e-6) { finish(); return; }
          var missing = minSeconds - spent;
          if (asked) missing = Math.max(missing, 1);  // not yet: ask again a second later at the earliest
          if (pausedLeft !== null) { pausedLeft = missing * 1000; } else { deadline = now() + missing * 1000; }
          tick();
        }
      };
    })();
  }

  // ----------------------------------------------------------------------------------------------- heartbeat
  // The newest beat the network lost (briefly offline): sent again when the browser is back online. Only the
  // newest is kept, and the server judges it like any beat against its own clock, so time it could not watch
  // pass is never credited; a pause or the end of the video is not lost with the connection.
  var pending = null, sentSeq = 0, answeredSeq = 0;
  window.addEventListener("online", function () {
    if (!pending) return;
    var beat = pending;
    pending = null;
    send(beat.position, beat.event);
  });

  function send(position, event, asked) {
    var seq = ++sentSeq;
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify({position: position, event: event})
    }).catch(function (error) {
      // No answer at all (the network, not the server); an older beat never replaces a newer one.
      if (seq > answeredSeq && (!pending || seq > pending.seq)) pending = {position: position, event: event, seq: seq};
      throw error;
    }).then(function (r) {
      answeredSeq = Math.max(answeredSeq, seq);
      if (pending && pending.seq < seq) pending = null;
      return r.ok ? r.json() : null;
    }).then(function (data) {
      if (!data) return null;
      var el = document.getElementById("watched-seconds");
      if (el && data.watched_seconds !== undefined) {
        el.textContent = clock(data.watched_seconds);
        var needed = parseFloat(el.dataset.needed || "0");
        var bar = document.getElementById("watched-bar");
        if (bar && needed > 0) bar.style.width = Math.min(100, Math.floor(100 * data.watched_seconds / needed)) + "%";
      }
      if (countdown && data.time_spent_seconds !== undefined) countdown.sync(data.time_spent_seconds, !!asked);
      if (data.completed) {
        var status = document.getElementById("lesson-status");
        if (status && !status.dataset.done) {
          status.dataset.done = "1";
          var line = document.createElement("p");
          line.className = "state state--done";
          line.textContent = "✓ " + (data.message || "");
          status.insertBefore(line, status.firstChild);
        }
      }
      return data;
    }).catch(function () { return null; /* the next beat retries */ });
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
    // Reading time: count only while the page is visible; coming back to the page reports at once.
    send(0, "time");
    setInterval(function () { if (!document.hidden) send(0, "time"); }, 15000);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) send(0, "time"); });
  }
})();
