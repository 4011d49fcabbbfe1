/* A minimal H5P content type: renders one single-choice question and, when checked,
 * emits the xAPI statements real question types emit ("answered", then "completed"),
 * with result.score and result.success. */
var H5P = H5P || {};
H5P.LmsFixtureQuestion = (function (EventDispatcher) {
  "use strict";

  function LmsFixtureQuestion(params, contentId) {
    EventDispatcher.call(this);
    this.params = params || {};
    this.contentId = contentId;
  }
  LmsFixtureQuestion.prototype = Object.create(EventDispatcher.prototype);
  LmsFixtureQuestion.prototype.constructor = LmsFixtureQuestion;

  LmsFixtureQuestion.prototype.getScore = function () { return this.score || 0; };
  LmsFixtureQuestion.prototype.getMaxScore = function () { return 1; };

  LmsFixtureQuestion.prototype.attach = function ($container) {
    var self = this;
    var root = $container.get ? $container.get(0) : $container;
    root.classList.add("h5p-lms-fixture");
    root.innerHTML = "";
    var question = document.createElement("p");
    question.className = "question";
    question.textContent = self.params.question || "";
    root.appendChild(question);
    (self.params.answers || []).forEach(function (answer, index) {
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = "radio";
      input.name = "lms-fixture-" + self.contentId;
      input.value = String(index);
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + answer.text));
      root.appendChild(label);
    });
    var button = document.createElement("button");
    button.type = "button";
    button.className = "check";
    button.textContent = self.params.checkLabel || "Check";
    var result = document.createElement("p");
    result.className = "result";
    button.addEventListener("click", function () {
      var chosen = root.querySelector("input:checked");
      var answer = chosen ? self.params.answers[parseInt(chosen.value, 10)] : null;
      self.score = answer && answer.correct ? 1 : 0;
      var success = self.score === 1;
      result.textContent = success ? "✓" : "✗";
      self.triggerXAPIScored(self.score, 1, "answered", true, success);
      var completed = self.createXAPIEventTemplate("completed");
      completed.setScoredResult(self.score, 1, self, true, success);
      self.trigger(completed);
    });
    root.appendChild(button);
    root.appendChild(result);
  };

  return LmsFixtureQuestion;
})(H5P.EventDispatcher);
