// Saves each answer as the member gives it, so a dropped connection loses nothing,
// and counts down to the server's deadline (the server enforces it; this only informs).
(function () {
  "use strict";
  var form = document.getElementById("quiz-attempt");
  if (!form) return;
  var urlTemplate = form.dataset.answerUrl; // …/answers/0/
  var submitting = false;
  var timers = {};
  var pending = {};

  function csrf() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function answerUrl(id) { return urlTemplate.replace(/\/0\/$/, "/" + id + "/"); }

  function responseOf(fs) {
    var type = fs.dataset.type;
    var inputs = Array.prototype.slice.call(fs.querySelectorAll("input, textarea"));
    if (type === "single" || type === "multiple") {
      return {choices: inputs.filter(function (i) { return i.checked; }).map(function (i) { return parseInt(i.value, 10); })};
    }
    if (type === "true_false") {
      var on = inputs.filter(function (i) { return i.checked; })[0];
      return on ? {value: on.value === "true"} : {};
    }
    if (type === "fill_blank") return {blanks: inputs.map(function (i) { return i.value; })};
    return {text: inputs[0] ? inputs[0].value : ""};
  }

  function setStatus(fs, text) {
    var el = fs.querySelector(".save-status");
    if (el) el.textContent = text;
  }

  function save(fs) {
    var id = fs.dataset.questionId;
    setStatus(fs, form.dataset.msgSaving);
    var p = fetch(answerUrl(id), {
      method: "PUT", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify(responseOf(fs))
    }).then(function (r) {
      return r.json().then(function (data) {
        if (r.ok) { setStatus(fs, form.dataset.msgSaved); return; }
        setStatus(fs, data.error || r.statusText);
        if (r.status === 409 && !submitting) { submitting = true; form.submit(); }
      });
    }).catch(function () {
      setStatus(fs, form.dataset.msgRetry);
      timers[id] = setTimeout(function () { save(fs); }, 3000);
    });
    pending[id] = p;
    return p;
  }

  function schedule(fs, delay) {
    var id = fs.dataset.questionId;
    clearTimeout(timers[id]);
    timers[id] = setTimeout(function () { save(fs); }, delay);
  }

  form.addEventListener("change", function (e) {
    var fs = e.target.closest("fieldset[data-question-id]");
    if (fs) schedule(fs, 0);
  });
  form.addEventListener("input", function (e) {
    var fs = e.target.closest("fieldset[data-question-id]");
    if (fs && (e.target.type === "text" || e.target.tagName === "TEXTAREA")) schedule(fs, 800);
  });
  form.addEventListener("submit", function (e) {
    if (submitting) return;
    if (!window.confirm(form.dataset.msgConfirm)) { e.preventDefault(); return; }
    submitting = true;
  });

  var timer = document.getElementById("quiz-timer");
  if (timer && timer.dataset.secondsLeft !== "") {
    var end = Date.now() + parseInt(timer.dataset.secondsLeft, 10) * 1000;
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      timer.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      if (left <= 60) timer.style.color = "#c8161d";
      if (left === 0 && !submitting) {
        submitting = true;
        timer.textContent = form.dataset.msgTimeup;
        var waits = Object.keys(pending).map(function (k) { return pending[k].catch(function () {}); });
        Promise.all(waits).then(function () { form.submit(); });
        return;
      }
      setTimeout(tick, 1000);
    };
    tick();
  }
})();
