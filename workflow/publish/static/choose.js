// Root page: suggest the reader's language (never redirect) and remember an explicit choice.
(function () {
  "use strict";
  const links = Array.from(document.querySelectorAll("#choose a[data-lang]"));
  const box = document.getElementById("suggestion");
  const KEY = "workflow-language";
  let saved = null;
  try { saved = window.localStorage.getItem(KEY); } catch (e) { saved = null; }
  function find(tag) {
    if (!tag) return null;
    const lower = tag.toLowerCase();
    return links.find(function (a) { return a.dataset.lang.toLowerCase() === lower; })
      || links.find(function (a) { return a.dataset.lang.toLowerCase().split("-")[0] === lower.split("-")[0]; })
      || null;
  }
  let best = find(saved);
  if (!best) {
    const wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    for (const tag of wanted) { best = find(tag); if (best) break; }
  }
  if (best && box) {
    best.classList.add("suggested");
    const link = document.createElement("a");
    link.href = best.href;
    link.lang = best.lang;
    link.textContent = best.dataset.prompt + " →";
    link.dataset.lang = best.dataset.lang;
    links.push(link);
    box.appendChild(link);
    box.hidden = false;
  }
  links.forEach(function (a) {
    a.addEventListener("click", function () {
      try { window.localStorage.setItem(KEY, a.dataset.lang); } catch (e) { /* private mode */ }
    });
  });
})();
