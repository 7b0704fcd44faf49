// Review page: save without reloading, keyboard shortcuts, live progress.
// Everything also works without JavaScript (plain form posts).
(function () {
  "use strict";
  const segments = Array.from(document.querySelectorAll("article.segment"));
  const progress = document.getElementById("article-progress");
  const progressText = document.getElementById("progress-text");

  function field(segment) { return segment.querySelector("textarea"); }
  function focusSegment(index) {
    const segment = segments[Math.max(0, Math.min(index, segments.length - 1))];
    if (!segment) return;
    field(segment).focus();
    segment.scrollIntoView({ block: "center" });
  }
  function indexOf(element) { return segments.indexOf(element.closest("article.segment")); }

  function showProblem(segment, text) {
    let box = segment.querySelector(".problem");
    if (!box) {
      box = document.createElement("div");
      box.className = "problem";
      box.setAttribute("role", "alert");
      segment.querySelector("form").appendChild(box);
    }
    box.textContent = text;
  }

  function updateProgress(before, after) {
    if (!progress) return;
    const delta = (after === "translated" ? 1 : 0) - (before === "translated" ? 1 : 0);
    progress.value = Number(progress.value) + delta;
    if (progressText) {
      progressText.textContent = progressText.textContent.replace(/^\d+/, String(progress.value));
    }
  }

  async function save(form, action) {
    const segment = form.closest("article.segment");
    const body = new FormData(form);
    body.set("action", action);
    const response = await fetch(form.getAttribute("action"), {  // form.action is the button named "action"
      method: "POST",
      body: body,
      headers: { "Accept": "application/json", "X-CSRFToken": body.get("csrf_token") },
      credentials: "same-origin",
    });
    const data = await response.json();
    if (data.result === "saved" || data.result === "unchanged") {
      const before = (segment.className.match(/state-(\w+)/) || [])[1];
      field(segment).value = data.text;
      form.querySelector("input[name=base]").value = data.text;
      segment.className = segment.className.replace(/state-\w+/, "state-" + data.state);
      segment.querySelector(".state").textContent = data.state === "translated" ? "reviewed" : data.state;
      const old = segment.querySelector(".problem");
      if (old) old.remove();
      updateProgress(before, data.state);
      return true;
    }
    if (data.result === "conflict") {
      showProblem(segment, data.message + " — saved meanwhile: «" + data.current + "» — yours: «" + data.yours + "»");
      form.querySelector("input[name=base]").value = data.current;
    } else {
      showProblem(segment, data.message);
    }
    return false;
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!form.classList.contains("target")) return;
    event.preventDefault();
    const action = (event.submitter && event.submitter.value) || "confirm";
    save(form, action);
  });

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (!(target instanceof HTMLTextAreaElement)) return;
    const index = indexOf(target);
    if (event.ctrlKey && event.key === "Enter") {
      event.preventDefault();
      save(target.form, "confirm").then(function (ok) { if (ok) focusSegment(index + 1); });
    } else if (event.altKey && event.key === "ArrowDown") {
      event.preventDefault();
      focusSegment(index + 1);
    } else if (event.altKey && event.key === "ArrowUp") {
      event.preventDefault();
      focusSegment(index - 1);
    } else if (event.ctrlKey && event.shiftKey && (event.key === "S" || event.key === "s")) {
      event.preventDefault();
      target.value = target.dataset.source;
    }
  });
})();
