/* Talk player: interactive transcript next to an HTML5 <video>/<audio data-talk-player>.
 *
 * - the transcript line being spoken is highlighted and kept in view inside the transcript panel while playing
 *   (the page itself never scrolls; not while the reader has just scrolled the panel, nor while it is folded);
 * - clicking a line (its time link) seeks there and plays;
 * - ?t=SECONDS (or 1:30) in the page URL, or data-start on the element, starts playback there;
 * - while a talk is still being processed, its progress is polled and the page reloads when ready.
 * Safe to include several times and with several players on one page.
 */
(function () {
  "use strict";
  if (window.TalkPlayer) { return; }

  // After the reader scrolls the transcript, it stays where they put it for this long.
  var READER_SCROLL_MS = 4000;

  function reducedMotion() {
    return !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  function parseTime(value) {
    if (!value) { return 0; }
    var m = String(value).trim().match(/^(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d+)?)s?$/);
    if (!m) { return 0; }
    var parts = [m[1], m[2], m[3]].filter(function (x) { return x !== undefined; }).map(parseFloat);
    return parts.reduce(function (acc, part) { return acc * 60 + part; }, 0);
  }

  function startAt(media, seconds) {
    if (!(seconds > 0)) { return; }
    var apply = function () {
      try { media.currentTime = seconds; } catch (e) { /* not seekable yet */ }
    };
    if (media.readyState >= 1) { apply(); } else { media.addEventListener("loadedmetadata", apply, { once: true }); }
  }

  function lastIndexAtOrBefore(starts, t) {
    var lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= t + 0.05) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  function pollProgress(root) {
    var url = root.getAttribute("data-progress-url");
    var box = root.querySelector("[data-talk-processing]");
    if (!url || !box || !window.fetch) { return; }
    var timer = setInterval(function () {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          var row = data && data.talks && data.talks[0];
          if (!row) { return; }
          var bar = box.querySelector("[data-progress-bar]");
          var value = box.querySelector("[data-progress-value]");
          var label = box.querySelector("[data-status-label]");
          if (bar) { bar.style.width = row.progress + "%"; }
          if (value) { value.textContent = row.progress; }
          if (label) { label.textContent = row.status_label; }
          if (row.status === "ready" || row.status === "failed") { clearInterval(timer); window.location.reload(); }
        })
        .catch(function () { /* try again on the next tick */ });
    }, 3000);
  }

  // Captions are on by default; a member who turns them off (or on) keeps that choice on this device.
  var CAPTIONS_KEY = "lms.captions";

  function rememberCaptions(media) {
    var tracks = media.textTracks;
    if (!tracks || !tracks.length) { return; }
    var wanted = null;
    try { wanted = window.localStorage.getItem(CAPTIONS_KEY); } catch (e) { /* storage off */ }
    var apply = function () {
      if (wanted === "showing" || wanted === "hidden") {
        for (var i = 0; i < tracks.length; i++) {
          if (tracks[i].kind === "captions" || tracks[i].kind === "subtitles") { tracks[i].mode = wanted; }
        }
      }
    };
    apply();
    media.addEventListener("loadedmetadata", apply, { once: true });
    tracks.addEventListener("change", function () {
      var mode = "hidden";
      for (var i = 0; i < tracks.length; i++) { if (tracks[i].mode === "showing") { mode = "showing"; } }
      wanted = mode;
      try { window.localStorage.setItem(CAPTIONS_KEY, mode); } catch (e) { /* storage off */ }
    });
  }

  function init(root, isFirst) {
    if (root.getAttribute("data-player-ready")) { return; }
    root.setAttribute("data-player-ready", "1");
    var media = root.querySelector("video[data-talk-player], audio[data-talk-player]");
    var list = root.querySelector("[data-transcript]");
    pollProgress(root);
    if (!media) { return; }
    rememberCaptions(media);

    var panel = root.querySelector("[data-transcript-panel]");
    var items = list ? Array.prototype.slice.call(list.querySelectorAll("li[data-start]")) : [];
    var starts = items.map(function (li) { return parseFloat(li.getAttribute("data-start")); });
    var ends = items.map(function (li) { return parseFloat(li.getAttribute("data-end")); });
    var current = -1;
    var userScrolledAt = 0;

    var start = parseFloat(media.getAttribute("data-start") || "0");
    if (!(start > 0) && isFirst) { start = parseTime(new URLSearchParams(window.location.search).get("t")); }
    startAt(media, start);

    function highlight(force) {
      var t = media.currentTime;
      var idx = lastIndexAtOrBefore(starts, t);
      // Links to a moment (search results, ?t=) carry whole seconds, rounded down: in the pause before a
      // line, up to a second before it starts, that line is the one meant, not the one that has ended.
      var next = idx + 1;
      if (next < starts.length && starts[next] - t <= 1 && (idx < 0 || t >= ends[idx])) { idx = next; }
      if (idx >= 0 && t > ends[idx] + 1.5 && idx + 1 < starts.length && t < starts[idx + 1]) { idx = -1; }
      if (idx === current && !force) { return; }
      if (current >= 0 && items[current]) {
        items[current].classList.remove("is-active");
        items[current].removeAttribute("aria-current");
      }
      current = idx;
      if (idx < 0) { return; }
      var li = items[idx];
      li.classList.add("is-active");
      li.setAttribute("aria-current", "true");
      if (Date.now() - userScrolledAt > READER_SCROLL_MS) { follow(li); }
    }

    // Follow playback inside the transcript panel only (never scroll the page): the current line a third of
    // the way down the panel. Not while the panel is folded or the reader scrolled it in the last few seconds.
    function follow(li) {
      if (!list || (panel && !panel.open) || list.scrollHeight <= list.clientHeight) { return; }
      var top = list.scrollTop + li.getBoundingClientRect().top - list.getBoundingClientRect().top
        - list.clientHeight / 3;
      top = Math.max(0, Math.min(top, list.scrollHeight - list.clientHeight));
      if (Math.abs(top - list.scrollTop) < 2) { return; }
      if (list.scrollTo) { list.scrollTo({ top: top, behavior: reducedMotion() ? "auto" : "smooth" }); }
      else { list.scrollTop = top; }
      userScrolledAt = 0;
    }

    media.addEventListener("timeupdate", function () { highlight(false); });
    media.addEventListener("seeked", function () { highlight(true); });
    if (panel) {
      // Unfolding the panel shows the line being spoken.
      panel.addEventListener("toggle", function () { if (panel.open && current >= 0) { follow(items[current]); } });
    }
    if (list) {
      var readerScrolls = function () { userScrolledAt = Date.now(); };
      list.addEventListener("wheel", readerScrolls, { passive: true });
      list.addEventListener("touchmove", readerScrolls, { passive: true });
      list.addEventListener("keydown", function (event) {
        if (/^(Arrow(Up|Down)|Page(Up|Down)|Home|End| )$/.test(event.key)) { readerScrolls(); }
      });
      // Dragging the panel's scroll bar (a press on the list itself, not on a line).
      list.addEventListener("pointerdown", function (event) { if (event.target === list) { readerScrolls(); } });
      list.addEventListener("click", function (event) {
        var link = event.target.closest("[data-seek]");
        if (!link && event.target.closest("li[data-start]")) {
          link = event.target.closest("li[data-start]").querySelector("[data-seek]");
        }
        if (!link) { return; }
        event.preventDefault();
        var t = parseFloat(link.getAttribute("data-seek"));
        userScrolledAt = 0;
        try { media.currentTime = t; } catch (e) { return; }
        var played = media.play();
        if (played && played.catch) { played.catch(function () { /* autoplay blocked: stay paused */ }); }
        if (isFirst && window.history && window.history.replaceState) {
          var url = new URL(window.location.href);
          url.searchParams.set("t", String(Math.floor(t)));
          window.history.replaceState(null, "", url.toString());
        }
      });
    }
  }

  function initAll() {
    var roots = document.querySelectorAll("[data-talk-player-root]");
    Array.prototype.forEach.call(roots, function (root, i) { init(root, i === 0); });
  }

  window.TalkPlayer = { init: init, initAll: initAll, parseTime: parseTime };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", initAll); } else { initAll(); }
})();
