// Every page: remember the language a reader picks (language switcher or root page), so the
// root page suggests it next time. The root page suggests the remembered language, else the
// browser's; it never redirects.
(function () {
  "use strict";
  const KEY = "workflow-language";
  function remember(tag) {
    try { window.localStorage.setItem(KEY, tag); } catch (e) { /* private mode: no memory */ }
  }
  document.addEventListener("click", function (event) {
    const link = event.target instanceof Element ? event.target.closest("a[data-lang]") : null;
    if (link) remember(link.dataset.lang);
  });
  const links = Array.from(document.querySelectorAll("#choose a[data-lang]"));
  const box = document.getElementById("suggestion");
  if (!links.length || !box) return;
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
  if (best) {
    best.classList.add("suggested");
    const link = document.createElement("a");
    link.href = best.href;
    link.lang = best.lang;
    link.hreflang = best.hreflang;
    link.textContent = best.dataset.prompt + " →";
    link.dataset.lang = best.dataset.lang;
    box.appendChild(link);
    box.hidden = false;
  }
})();
