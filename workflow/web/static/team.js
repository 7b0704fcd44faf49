// Comments without leaving the page: the comment, reply and resolve forms are
// sent in the background and the segment's threads are swapped for the
// server's new HTML, so nothing typed elsewhere on the review page is lost.
// Without JavaScript the same forms post and come back to the segment.
(function () {
  "use strict";

  function announce(text) {
    const live = document.getElementById("announce");
    if (!live || !text) return;
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 30);
  }

  function swap(sid, data) {
    const comments = document.querySelector("[data-comments='" + sid + "']");
    const questions = document.querySelector("[data-questions='" + sid + "']");
    if (comments && data.html) comments.outerHTML = data.html;
    if (questions && data.questions) questions.outerHTML = data.questions;
  }

  function segmentOf(form) {
    const holder = form.closest("[data-comments], [data-questions]");
    if (!holder) return null;
    return holder.dataset.comments || holder.dataset.questions;
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("team-post")) return;
    const sid = segmentOf(form);
    if (!sid) return; // the comments page: a plain post is fine there
    event.preventDefault();
    event.stopPropagation(); // ours, not a save of the segment it sits in (review.js)
    const body = new FormData(form);
    if (event.submitter && event.submitter.name) body.append(event.submitter.name, event.submitter.value);
    const button = form.querySelector("button[type=submit], button:not([type])");
    if (button) button.disabled = true;
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: body,
      headers: { "Accept": "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (answer) {
      if (!answer.ok) {
        const holder = form.closest("[data-comments]");
        const problem = holder && holder.querySelector(".problem");
        if (problem) { problem.textContent = answer.data.problem || ""; problem.hidden = false; }
        announce(answer.data.problem);
        if (button) button.disabled = false;
        return;
      }
      swap(sid, answer.data);
      const done = document.querySelector("[data-comments='" + sid + "']");
      announce(done ? done.dataset.said || "" : "");
    }).catch(function () {
      if (button) button.disabled = false;
      const holder = form.closest("[data-comments]") || document.querySelector("[data-comments='" + sid + "']");
      const problem = holder && holder.querySelector(".problem");
      const text = holder ? holder.dataset.failed : "";
      if (problem) { problem.textContent = text; problem.hidden = false; }
      announce(text);
    });
  }, true); // capture: before the review page's own handler of forms in a segment

  // Ctrl+Enter in a comment box posts the comment (on the review page it would
  // otherwise confirm the segment's translation).
  document.addEventListener("keydown", function (event) {
    const box = event.target;
    if (!(box instanceof HTMLTextAreaElement) || box.name !== "comment") return;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      event.stopPropagation();
      if (box.form) box.form.requestSubmit();
    }
  }, true);
})();
