// The live player: plays the HLS stream (hls.js where the browser has no native HLS) and, while it plays,
// sends a heartbeat every 15 s; the server counts real elapsed time only while the session is live.
(function () {
  var video = document.getElementById("live-player");
  if (!video) return;
  var src = video.dataset.src, progress = document.getElementById("live-progress");
  if (video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = src;
  } else if (window.Hls && window.Hls.isSupported()) {
    var hls = new window.Hls();
    hls.loadSource(src);
    hls.attachMedia(video);
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function beat() {
    if (video.paused || video.ended) return;
    fetch(video.dataset.beatUrl, {method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": csrf(), "Content-Type": "application/json"}, body: "{}"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && progress) progress.dataset.percent = data.percent; })
      .catch(function () {});
  }
  video.addEventListener("play", beat);
  setInterval(beat, 15000);
})();
