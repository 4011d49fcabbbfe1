// The attempt page (quizzes/attempt_take.html), on top of a form that works without JavaScript:
// - saves each answer as the member gives it (PUT to the attempt's answer endpoint, the draft the submission
//   grades), shows "saved 14:03" on the question and in the sticky header, and retries what failed (by itself
//   with a growing pause, when the connection returns, or at once with the header's retry button);
// - counts the answered questions in the header;
// - counts down to the server's deadline and submits at zero. The server decides: the page is given the seconds
//   left when it was rendered, so the device's clock does not matter, and answers saved late are refused there.
(function () {
  "use strict";
  var form = document.getElementById("quiz-attempt");
  if (!form || !window.fetch || !window.Promise) return;
  var msg = form.dataset;
  var urlTemplate = msg.answerUrl; // …/answers/0/
  var headStatus = document.getElementById("quiz-save-status");
  var retryButton = document.getElementById("quiz-retry");
  var progress = document.getElementById("quiz-progress");
  var bar = document.querySelector(".quiz-head__bar > span");
  var alertBox = document.getElementById("quiz-timer-alert");
  var submitting = false;
  var states = {}; // question id → {timer, inflight, dirty, failed, rejected, tries}
  var lastSaved = null;
  var fieldsets = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-question-id]"));

  // ------------------------------------------------------------------------------------- clock times
  var clockFormat = null;
  try {
    clockFormat = new Intl.DateTimeFormat("en-GB", {
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: msg.timeZone || undefined
    });
  } catch (e) {
    clockFormat = null;
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clockOf(iso) {
    var date = iso ? new Date(iso) : new Date();
    if (isNaN(date.getTime())) date = new Date();
    return clockFormat ? clockFormat.format(date) : pad(date.getHours()) + ":" + pad(date.getMinutes());
  }
  function savedText(iso) { return msg.msgSaved.replace("{time}", clockOf(iso)); }

  // ---------------------------------------------------------------------------------------- answers
  function csrf() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function answerUrl(id) { return urlTemplate.replace(/\/0\/$/, "/" + id + "/"); }
  function state(id) {
    return states[id] || (states[id] = {timer: null, inflight: null, dirty: false, failed: false, rejected: "", tries: 0});
  }
  function fieldsetOf(id) { return form.querySelector('fieldset[data-question-id="' + id + '"]'); }

  function responseOf(fs) {
    var type = fs.dataset.type;
    var picked = Array.prototype.slice.call(fs.querySelectorAll("input[type=radio]:checked, input[type=checkbox]:checked"));
    if (type === "single" || type === "multiple") {
      return {choices: picked.map(function (i) { return parseInt(i.value, 10); })};
    }
    if (type === "true_false") return picked.length ? {value: picked[0].value === "true"} : {};
    if (type === "fill_blank") {
      return {blanks: Array.prototype.map.call(fs.querySelectorAll("input[type=text]"), function (i) { return i.value; })};
    }
    var text = fs.querySelector("textarea");
    return {text: text ? text.value : ""};
  }
  function answered(fs) {
    var r = responseOf(fs);
    if (r.choices) return r.choices.length > 0;
    if (typeof r.value === "boolean") return true;
    if (r.blanks) return r.blanks.some(function (b) { return b.trim() !== ""; });
    return !!(r.text && r.text.trim());
  }

  function setStatus(el, stateName, text) {
    if (!el) return;
    el.dataset.state = stateName;
    var span = el.querySelector(".save-status__text");
    (span || el).textContent = text;
  }

  function updateHeader() {
    var failed = [], rejected = [], busy = false;
    Object.keys(states).forEach(function (id) {
      var s = states[id];
      if (s.rejected) rejected.push(s.rejected);
      else if (s.failed) failed.push(id);
      if (s.inflight || s.timer) busy = true;
    });
    if (retryButton) retryButton.hidden = !(failed.length || rejected.length);
    if (rejected.length) setStatus(headStatus, "failed", rejected[0]);
    else if (failed.length) setStatus(headStatus, "failed", msg.msgRetry);
    else if (busy) setStatus(headStatus, "saving", msg.msgSaving);
    else if (lastSaved) setStatus(headStatus, "saved", savedText(lastSaved));
  }

  function updateProgress() {
    var done = fieldsets.filter(answered).length, total = fieldsets.length;
    fieldsets.forEach(function (fs) { fs.classList.toggle("is-answered", answered(fs)); });
    if (progress) {
      progress.dataset.answered = done;
      progress.textContent = progress.dataset.template.replace("{answered}", done).replace("{total}", total);
    }
    if (bar) bar.style.width = (total ? Math.round(done * 100 / total) : 0) + "%";
  }

  function retryLater(id) {
    var s = state(id);
    var delay = Math.min(30000, 2000 * Math.pow(2, Math.min(s.tries, 4)));
    clearTimeout(s.timer);
    s.timer = setTimeout(function () { s.timer = null; save(id); }, delay);
  }

  function save(id) {
    var s = state(id), fs = fieldsetOf(id);
    if (!fs || (submitting && !s.dirty)) return Promise.resolve();
    if (s.inflight) { s.dirty = true; return s.inflight; } // saved again once this one is answered
    clearTimeout(s.timer);
    s.timer = null;
    s.dirty = false;
    var status = fs.querySelector(".save-status");
    setStatus(status, "saving", msg.msgSaving);
    updateHeader();
    s.inflight = fetch(answerUrl(id), {
      method: "PUT", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify(responseOf(fs))
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        s.inflight = null;
        if (r.ok) {
          s.failed = false; s.rejected = ""; s.tries = 0;
          lastSaved = data.saved_at || new Date().toISOString();
          setStatus(status, "saved", savedText(lastSaved));
        } else if (r.status === 409) {
          // Time is up or the attempt was submitted elsewhere: the server's page says what happened.
          s.failed = false;
          setStatus(status, "failed", data.error || r.statusText);
          submitNow();
        } else if (r.status === 429 || r.status >= 500) {
          s.failed = true; s.tries += 1;
          setStatus(status, "failed", msg.msgRetry);
          retryLater(id);
        } else {
          // Refused (an answer the server does not accept, a session that ended): retrying will not help.
          s.failed = true; s.rejected = data.error || r.statusText;
          setStatus(status, "failed", s.rejected);
        }
        updateHeader();
        if (s.dirty) return save(id);
      });
    }, function () {
      s.inflight = null; s.failed = true; s.tries += 1;
      setStatus(status, "failed", msg.msgRetry);
      retryLater(id);
      updateHeader();
    });
    return s.inflight;
  }

  function schedule(fs, delay) {
    var id = fs.dataset.questionId, s = state(id);
    s.rejected = "";
    clearTimeout(s.timer);
    s.timer = setTimeout(function () { s.timer = null; save(id); }, delay);
    updateHeader();
  }

  function retryAll() {
    Object.keys(states).forEach(function (id) {
      var s = states[id];
      if (s.failed || s.rejected) { s.rejected = ""; s.tries = 0; save(id); }
    });
  }

  function pendingSaves() {
    // Changes still waiting for their pause are sent now; the ones on their way are awaited.
    return Object.keys(states).map(function (id) {
      var s = states[id];
      if (s.timer) { clearTimeout(s.timer); s.timer = null; s.dirty = true; return save(id).catch(function () {}); }
      return s.inflight ? s.inflight.catch(function () {}) : null;
    }).filter(Boolean);
  }

  function submitNow() {
    if (submitting) return;
    submitting = true;
    var waits = pendingSaves();
    var cap = new Promise(function (resolve) { setTimeout(resolve, 5000); });
    Promise.race([Promise.all(waits), cap]).then(function () { form.submit(); });
  }

  form.addEventListener("change", function (e) {
    var fs = e.target.closest("fieldset[data-question-id]");
    if (!fs) return;
    updateProgress();
    schedule(fs, e.target.type === "radio" || e.target.type === "checkbox" ? 0 : 300);
  });
  form.addEventListener("input", function (e) {
    var fs = e.target.closest("fieldset[data-question-id]");
    if (fs && (e.target.type === "text" || e.target.tagName === "TEXTAREA")) {
      updateProgress();
      schedule(fs, 800);
    }
  });
  form.addEventListener("submit", function (e) {
    if (submitting) return;
    var summary = progress ? progress.textContent + "\n" : "";
    if (!window.confirm(summary + msg.msgConfirm)) { e.preventDefault(); return; }
    submitting = true; // the form carries every answer too: the server saves what is still unsaved
  });
  if (retryButton) retryButton.addEventListener("click", retryAll);
  window.addEventListener("online", retryAll);
  window.addEventListener("beforeunload", function (e) {
    if (submitting) return;
    var unsaved = Object.keys(states).some(function (id) {
      var s = states[id];
      return s.failed || s.rejected || s.inflight || s.timer;
    });
    if (unsaved) { e.preventDefault(); e.returnValue = ""; }
  });

  // ------------------------------------------------------------------------------------------ timer
  var timer = document.getElementById("quiz-timer");
  if (timer && timer.dataset.secondsLeft !== "") {
    var box = document.getElementById("quiz-timer-box");
    var end = Date.now() + parseInt(timer.dataset.secondsLeft, 10) * 1000;
    var announced = {};
    var show = function (left) {
      var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
      timer.textContent = h ? h + ":" + pad(m) + ":" + pad(s) : m + ":" + pad(s);
    };
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      show(left);
      if (box) box.classList.toggle("is-urgent", left <= 60);
      [[300, msg.msgFiveMinutes], [60, msg.msgOneMinute]].forEach(function (pair) {
        if (left <= pair[0] && left > pair[0] - 5 && !announced[pair[0]] && alertBox) {
          announced[pair[0]] = true;
          alertBox.textContent = pair[1];
        }
      });
      if (left === 0) {
        timer.textContent = msg.msgTimeup;
        submitNow();
        return;
      }
      setTimeout(tick, 500);
    };
    tick();
  }
  updateProgress();
})();
