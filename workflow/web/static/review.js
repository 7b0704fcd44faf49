// The translator's desk: a placeholder-aware editor, saves in the background,
// live state, suggestions, history and concordance, all by keyboard.
// Without JavaScript the page is plain forms and links, and works the same.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  const TOKEN = /<\/?g\d+>|<x\d+\/>/g;
  const words = JSON.parse((document.getElementById("desk-words") || {}).textContent || "{}");
  const announcer = document.getElementById("announce");
  const progress = document.getElementById("article-progress");
  const progressText = document.getElementById("progress-text");
  const segments = Array.from(document.querySelectorAll("article.segment"));
  const editors = new Map();
  let active = null;
  let lastEditor = null;

  function say(text) {
    if (!announcer || !text) return;
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 30);
  }
  function tokensOf(text) { return text.match(TOKEN) || []; }
  function count(list, item) { return list.filter(function (x) { return x === item; }).length; }

  // ------------------------------------------------------------------ the editor
  // A contenteditable box whose placeholders are atomic chips (contenteditable=false):
  // they can be deleted whole, never half.  The text model is the stored string
  // ("<g1>…</g1>"); the DOM is rebuilt from it after every change that is not plain
  // typing, and the plain <textarea> underneath always holds the same string.
  function Editor(segment) {
    const area = segment.querySelector("textarea[name=text]");
    const label = segment.querySelector("label[for='" + area.id + "']");
    const chips = JSON.parse(segment.dataset.chips || "{}");
    const box = document.createElement("div");
    box.className = "editor";
    box.contentEditable = "plaintext-only";
    if (box.contentEditable !== "plaintext-only") box.contentEditable = "true";
    box.setAttribute("role", "textbox");
    box.setAttribute("aria-multiline", "false");
    if (label) { box.setAttribute("aria-labelledby", label.id); label.removeAttribute("for"); }
    box.setAttribute("aria-describedby", "src-" + segment.dataset.sid);
    box.lang = area.lang; box.dir = area.dir; box.spellcheck = true;
    area.hidden = true;
    area.setAttribute("tabindex", "-1");
    area.parentNode.insertBefore(box, area.nextSibling);
    const history = [];
    let future = [];
    let typedAt = 0;

    function chip(token) {
      const info = chips[token] || [token, token];
      const span = document.createElement("span");
      span.className = "chip";
      span.contentEditable = "false";
      span.dataset.token = token;
      span.setAttribute("role", "img");
      span.setAttribute("aria-label", info[1]);
      span.title = info[1];
      span.textContent = info[0];
      return span;
    }
    function serialise(node) {
      let out = "";
      node.childNodes.forEach(function (child) {
        if (child.nodeType === Node.TEXT_NODE) out += child.data;
        else if (child.dataset && child.dataset.token) out += child.dataset.token;
        else if (child.nodeName !== "BR") out += serialise(child);
      });
      return out;
    }
    function read() { return serialise(box).replace(/\n/g, " "); }
    function length(node) {
      if (node.nodeType === Node.TEXT_NODE) return node.data.length;
      if (node.dataset && node.dataset.token) return node.dataset.token.length;
      if (node.nodeName === "BR") return 0;
      let n = 0;
      node.childNodes.forEach(function (child) { n += length(child); });
      return n;
    }
    // The offset in the stored string of a DOM position inside the box.
    function offsetOf(container, offset) {
      let total = 0;
      let found = null;
      function walk(node) {
        if (found !== null) return;
        if (node === container) {
          if (node.nodeType === Node.TEXT_NODE) { found = total + offset; return; }
          for (let i = 0; i < offset && i < node.childNodes.length; i += 1) total += length(node.childNodes[i]);
          found = total;
          return;
        }
        if (node.nodeType === Node.TEXT_NODE || (node.dataset && node.dataset.token)) {
          if (node.contains(container)) { found = total + length(node); return; }
          total += length(node);
          return;
        }
        node.childNodes.forEach(walk);
      }
      walk(box);
      return found === null ? read().length : found;
    }
    function selection() {
      const sel = window.getSelection();
      if (!sel.rangeCount || !box.contains(sel.anchorNode)) { const n = read().length; return [n, n]; }
      const range = sel.getRangeAt(0);
      const a = offsetOf(range.startContainer, range.startOffset);
      const b = offsetOf(range.endContainer, range.endOffset);
      return [Math.min(a, b), Math.max(a, b)];
    }
    function place(position) {
      let left = position;
      const range = document.createRange();
      const nodes = Array.from(box.childNodes);
      let done = false;
      for (let i = 0; i < nodes.length && !done; i += 1) {
        const node = nodes[i];
        const n = length(node);
        if (node.nodeType === Node.TEXT_NODE) {
          if (left <= n) { range.setStart(node, left); done = true; }
        } else if (left === 0) {
          range.setStart(box, i); done = true;
        } else if (left < n) {
          range.setStart(box, i + 1); done = true;
        }
        left -= n;
      }
      if (!done) range.setStart(box, nodes.length);
      range.collapse(true);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    }
    function render(text) {
      box.textContent = "";
      let position = 0;
      text.replace(TOKEN, function (token, at) {
        if (at > position) box.appendChild(document.createTextNode(text.slice(position, at)));
        box.appendChild(chips[token] ? chip(token) : document.createTextNode(token));
        position = at + token.length;
        return token;
      });
      if (position < text.length) box.appendChild(document.createTextNode(text.slice(position)));
      box.appendChild(document.createTextNode(""));
    }
    function sync() {
      area.value = read();
      segment.classList.toggle("dirty", area.value !== segment.querySelector("input[name=base]").value);
      markPalette();
    }
    function record(typing) {
      const state = { text: read(), caret: selection()[1] };
      const top = history[history.length - 1];
      if (top && top.text === state.text) return;
      const now = Date.now();
      if (typing && top && now - typedAt < 800 && history.length > 1) history[history.length - 1] = state;
      else history.push(state);
      typedAt = typing ? now : 0;
      future = [];
      if (history.length > 200) history.shift();
    }
    function set(text, caret) {
      render(text);
      if (document.activeElement === box) place(caret === undefined ? text.length : caret);
      sync();
      record(false);
    }
    function replaceRange(start, end, text, caretAt) {
      const value = read();
      const next = value.slice(0, start) + text + value.slice(end);
      set(next, caretAt === undefined ? start + text.length : caretAt);
    }
    function step(from, to) {
      if (from.length < (from === history ? 2 : 1)) return;
      const state = from.pop();
      to.push(state);
      const shown = from === history ? history[history.length - 1] : state;
      render(shown.text);
      place(shown.caret);
      sync();
    }
    function removeChipNear(forward) {
      const sel = window.getSelection();
      if (!sel.rangeCount || !sel.isCollapsed) return false;
      const [at] = selection();
      const value = read();
      const pattern = new RegExp(TOKEN.source, "g");
      let match;
      while ((match = pattern.exec(value)) !== null) {
        const start = match.index;
        const end = start + match[0].length;
        if ((forward && start === at) || (!forward && end === at)) {
          replaceRange(start, end, "", start);
          return true;
        }
      }
      return false;
    }

    box.addEventListener("beforeinput", function (event) {
      const type = event.inputType || "";
      if (type === "insertParagraph" || type === "insertLineBreak" || type.startsWith("format")) {
        event.preventDefault();
      } else if (type === "historyUndo" || type === "historyRedo") {
        event.preventDefault();
        if (type === "historyUndo") step(history, future); else step(future, history);
      } else if (type === "insertFromDrop") {
        event.preventDefault();
      }
    });
    box.addEventListener("input", function (event) {
      if (event.isComposing) return;
      const clean = Array.from(box.childNodes).every(function (node) {
        return node.nodeType === Node.TEXT_NODE || (node.dataset && node.dataset.token) || node.nodeName === "BR";
      });
      if (!clean) { const [, caret] = selection(); render(read()); place(caret); }
      sync();
      record(true);
    });
    box.addEventListener("compositionend", function () { sync(); record(true); });
    box.addEventListener("paste", function (event) {
      event.preventDefault();
      const text = (event.clipboardData.getData("text/plain") || "").replace(/\s*\n\s*/g, " ");
      const [start, end] = selection();
      replaceRange(start, end, text);
    });
    function copySelection(event, cut) {
      const sel = window.getSelection();
      if (!sel.rangeCount || sel.isCollapsed) return;
      const holder = document.createElement("div");
      holder.appendChild(sel.getRangeAt(0).cloneContents());
      event.clipboardData.setData("text/plain", serialise(holder));
      event.preventDefault();
      if (cut) { const [start, end] = selection(); replaceRange(start, end, ""); }
    }
    box.addEventListener("copy", function (event) { copySelection(event, false); });
    box.addEventListener("cut", function (event) { copySelection(event, true); });
    box.addEventListener("dragover", function (event) { event.preventDefault(); });
    box.addEventListener("keydown", function (event) {
      const mod = event.ctrlKey || event.metaKey;
      if (mod && !event.altKey && (event.key === "z" || event.key === "Z" || event.key === "y")) {
        event.preventDefault();
        if (event.key === "y" || event.shiftKey) step(future, history); else step(history, future);
      } else if (event.key === "Backspace" && !mod && removeChipNear(false)) {
        event.preventDefault();
      } else if (event.key === "Delete" && !mod && removeChipNear(true)) {
        event.preventDefault();
      } else if (event.key === "Enter" && !mod && !event.altKey) {
        event.preventDefault();
      }
    });

    // Placeholders: the palette shows which are missing; Alt+P inserts the next one.
    const palette = segment.querySelector(".palette");
    function missing() {
      const have = tokensOf(read());
      const want = tokensOf(area.dataset.source);
      return want.filter(function (token, i) {
        return count(have, token) < count(want.slice(0, i + 1), token);
      });
    }
    function markPalette() {
      if (!palette) return;
      const gone = missing();
      palette.querySelectorAll(".chip-button").forEach(function (button) {
        const lacking = gone.includes(button.dataset.token) || (button.dataset.closing && gone.includes(button.dataset.closing));
        button.classList.toggle("missing", lacking);
        button.setAttribute("aria-pressed", lacking ? "false" : "true");
      });
    }
    function insertToken(token, closing) {
      const [start, end] = selection();
      const value = read();
      const have = tokensOf(value);
      if (closing && !have.includes(token) && !have.includes(closing)) {
        const inner = value.slice(start, end);
        replaceRange(start, end, token + inner + closing, start + token.length + inner.length + (inner ? closing.length : 0));
      } else if (closing && have.includes(token) && !have.includes(closing)) {
        replaceRange(start, end, value.slice(start, end) + closing);
      } else {
        replaceRange(start, end, token);
      }
      const info = chips[token] || [token, token, ""];
      say((words.inserted || "{what}").replace("{what}", info[2] || info[0]));
    }
    function insertNextMissing() {
      const gone = missing();
      if (!gone.length) { say(words.none_missing); return; }
      const token = gone[0];
      const closing = token.startsWith("<g") ? token.replace("<g", "</g") : "";
      if (closing && gone.includes(closing)) insertToken(token, closing);
      else insertToken(token, "");
    }
    if (palette) {
      palette.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the caret
      palette.addEventListener("click", function (event) {
        const button = event.target.closest(".chip-button");
        if (!button) return;
        if (document.activeElement !== box) { box.focus(); }
        const have = tokensOf(read());
        const token = button.dataset.token;
        const closing = button.dataset.closing;
        if (closing && have.includes(token) && have.includes(closing)) { say(words.none_missing); return; }
        insertToken(token, closing);
      });
    }

    render(area.value);
    record(false);
    markPalette();
    return {
      box: box,
      read: read,
      set: function (text) { set(text); },
      sync: sync,
      focus: function (atEnd) {
        box.focus({ preventScroll: true });
        if (atEnd !== false) place(read().length);
      },
      insertNextMissing: insertNextMissing,
      selectedText: function () {
        const [start, end] = selection();
        return read().slice(start, end).replace(TOKEN, " ").trim();
      },
    };
  }

  // ------------------------------------------------------------------ segments
  function stateOf(segment) { return segment.dataset.state; }
  function controls(segment) {
    return segment.querySelectorAll(".bar button, .bar summary, .palette button, .suggestions summary, .suggestions button, .feedback button, .feedback summary, .feedback input, .history-panel button, .history-panel h2");
  }
  function activate(segment) {
    if (active === segment) return;
    if (active) controls(active).forEach(function (el) { el.setAttribute("tabindex", "-1"); });
    active = segment;
    controls(segment).forEach(function (el) { el.removeAttribute("tabindex"); });
  }
  function focusSegment(segment) {
    if (!segment) return;
    activate(segment);
    editors.get(segment).focus();
    segment.scrollIntoView({ block: "center" });
  }
  // To review: not confirmed yet, or confirmed with an error that still blocks approval.
  function needsWork(segment) {
    return stateOf(segment) !== "translated" || segment.classList.contains("has-errors");
  }
  function neighbour(segment, direction, open) {
    let i = segments.indexOf(segment);
    for (;;) {
      i += direction;
      if (i < 0 || i >= segments.length) return null;
      if (!open || needsWork(segments[i])) return segments[i];
    }
  }

  function setProgress(data) {
    if (!progress || !data.progress || !data.progress.total) return;
    progress.max = data.progress.total;
    progress.value = data.progress.reviewed;
    if (progressText) progressText.textContent = data.progress.text;
  }
  function apply(segment, data, typed) {
    const form = segment.querySelector("form.target");
    const feedback = segment.querySelector(".feedback");
    feedback.innerHTML = data.feedback || "";
    controls(segment).forEach(function (el) { if (active !== segment) el.setAttribute("tabindex", "-1"); });
    const editor = editors.get(segment);
    if (data.result === "saved" || data.result === "unchanged") {
      form.querySelector("input[name=base]").value = data.text;
      if (editor.read() !== data.text) editor.set(data.text);
      segment.dataset.state = data.state;
      segment.className = segment.className.replace(/\bstate-\w+/, "state-" + data.state);
      segment.classList.toggle("has-findings", data.findings.length > 0);
      segment.classList.toggle("has-errors", data.findings.some(function (f) { return f.severity === "error"; }));
      segment.querySelector(".status .state").textContent = data.state_label;
      const prov = segment.querySelector(".status .prov");
      prov.textContent = "";
      data.provenance.forEach(function (text) {
        const span = document.createElement("span");
        span.textContent = text;
        prov.appendChild(span);
      });
      setProgress(data);
    } else if (data.result === "conflict") {
      form.querySelector("input[name=base]").value = data.current;  // confirming again replaces theirs
      if (typed !== undefined && editor.read() !== typed) editor.set(typed);
    } else if (typed !== undefined && editor.read() !== typed) {
      editor.set(typed);  // a restored version that needs a second step stays in the box
    }
    editor.sync();
    segment.classList.toggle("blocked", data.result === "blocked");
    say(data.announce);
  }

  async function post(segment, form, fields) {
    const body = new FormData(form);
    Object.keys(fields).forEach(function (key) { body.set(key, fields[key]); });
    body.set("base", segment.querySelector("form.target input[name=base]").value);
    segment.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(form.getAttribute("action"), {  // form.action is the button named "action"
        method: "POST",
        body: body,
        headers: { "Accept": "application/json", "X-CSRFToken": body.get("csrf_token") },
        credentials: "same-origin",
      });
      const data = await response.json();
      apply(segment, data, fields.text);
      return data.result === "saved" || data.result === "unchanged";
    } catch (error) {
      say(words.failed);
      const feedback = segment.querySelector(".feedback");
      feedback.textContent = "";
      const box = document.createElement("p");
      box.className = "problem";
      box.setAttribute("role", "alert");
      box.textContent = words.failed;
      feedback.appendChild(box);
      return false;
    } finally {
      segment.removeAttribute("aria-busy");
    }
  }
  function save(segment, action) {
    const editor = editors.get(segment);
    editor.sync();
    return post(segment, segment.querySelector("form.target"), { action: action });
  }
  async function confirmAndMove(segment, action) {
    if (await save(segment, action)) {
      focusSegment(neighbour(segment, 1, true) || neighbour(segment, 1, false) || segment);
    } else {
      editors.get(segment).focus(false);
    }
  }

  // ------------------------------------------------------------------ panels
  async function toggleHistory(segment, show) {
    const panel = segment.querySelector(".history-panel");
    if (!panel.hidden && show !== true) {
      panel.hidden = true;
      editors.get(segment).focus();
      return;
    }
    const link = segment.querySelector("a.history-link");
    const response = await fetch(link.href + "?part=1", { credentials: "same-origin" });
    panel.innerHTML = await response.text();
    panel.hidden = false;
    const heading = panel.querySelector("h2");
    if (heading) heading.focus();
  }
  async function searchConcordance(query) {
    const form = document.querySelector("form.concordance");
    const results = document.getElementById("concordance-results");
    if (!form || !results) return;
    const url = form.getAttribute("action") + "?part=1&q=" + encodeURIComponent(query);
    const response = await fetch(url, { credentials: "same-origin" });
    results.innerHTML = await response.text();
    results.hidden = false;
    const heading = results.querySelector("h2");
    if (heading) heading.focus();
  }

  // ------------------------------------------------------------------ wiring
  segments.forEach(function (segment) {
    editors.set(segment, Editor(segment));
    controls(segment).forEach(function (el) { el.setAttribute("tabindex", "-1"); });
  });
  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });

  document.addEventListener("focusin", function (event) {
    const segment = event.target.closest && event.target.closest("article.segment");
    if (segment) {
      activate(segment);
      if (event.target.classList.contains("editor")) lastEditor = segment;
    }
  });

  document.addEventListener("submit", function (event) {
    const form = event.target;
    const segment = form.closest("article.segment");
    if (form.classList.contains("concordance") && document.getElementById("concordance-results")) {
      event.preventDefault();
      searchConcordance(form.querySelector("input[name=q]").value);
      return;
    }
    if (!segment) return;
    event.preventDefault();
    const action = (event.submitter && event.submitter.value) || "confirm";
    if (form.classList.contains("restore")) {
      const text = form.querySelector("input[name=text]").value;
      post(segment, form, { action: "restore", text: text }).then(function (ok) {
        if (ok) toggleHistory(segment, true).then(function () { editors.get(segment).focus(); });
        else editors.get(segment).focus(false);
      });
    } else if (action === "confirm" || action === "confirm-anyway" || action === "silence") {
      confirmAndMove(segment, action);
    } else {
      save(segment, action);
    }
  });

  document.addEventListener("click", function (event) {
    const use = event.target.closest && event.target.closest("button.use");
    if (use) {
      const segment = use.closest("article.segment");
      editors.get(segment).set(use.dataset.text);
      editors.get(segment).focus();
      say(words.suggestion_inserted);
      return;
    }
    const link = event.target.closest && event.target.closest("a.history-link");
    if (link) {
      event.preventDefault();
      link.closest("details").open = false;
      toggleHistory(link.closest("article.segment"), true);
    }
    const skip = event.target.closest && event.target.closest("a[data-skip=open]");
    if (skip) {
      event.preventDefault();
      focusSegment(segments.find(function (s) { return stateOf(s) !== "translated"; }) || segments[0]);
    }
  });

  const cycle = new Map();
  // Alt+M: the listed suggestions in turn, then the machine draft on record (the list
  // leaves out text equal to what was saved, so a fresh draft is not listed; once the
  // box holds something else it can be brought back). Text equal to the box is skipped.
  function nextSuggestion(segment) {
    const editor = editors.get(segment);
    const offers = Array.from(segment.querySelectorAll("button.use")).map(function (button) {
      return { text: button.dataset.text, label: button.parentNode.querySelector(".score").textContent };
    });
    const draft = segment.dataset.draft;
    if (draft !== undefined && !offers.some(function (o) { return o.text === draft; })) {
      offers.push({ text: draft, label: (words.machine || "{engine}").replace("{engine}", segment.dataset.draftEngine || "") });
    }
    const current = editor.read();
    const start = cycle.get(segment) === undefined ? -1 : cycle.get(segment);
    for (let step = 1; step <= offers.length; step++) {
      const i = (start + step) % offers.length;
      if (offers[i].text === current) continue;
      cycle.set(segment, i);
      editor.set(offers[i].text);
      say((words.suggestion || "{n}").replace("{n}", String(i + 1)) + " " + offers[i].label);
      return;
    }
    hint(segment, words.no_suggestion);
  }
  // A short note under the segment's box that sighted people see too (and is announced).
  function hint(segment, text) {
    say(text);
    const feedback = segment.querySelector(".feedback");
    let note = feedback.querySelector("p.hint");
    if (!note) {
      note = document.createElement("p");
      note.className = "hint";
      feedback.appendChild(note);
    }
    note.textContent = text;
    window.setTimeout(function () { if (note.isConnected) note.remove(); }, 4000);
  }

  document.addEventListener("keydown", function (event) {
    // Enter in a silence's reason silences (a form's Enter would press its first button, Confirm)
    if (event.key === "Enter" && event.target.name === "reason") {
      const silence = event.target.closest("fieldset").querySelector("button[value=silence]");
      if (silence) { event.preventDefault(); silence.click(); return; }
    }
    const segment = event.target.closest && event.target.closest("article.segment");
    const inEditor = event.target.classList && event.target.classList.contains("editor");
    const key = event.key;
    const code = event.code || "";
    const letter = function (l) { return !event.ctrlKey && !event.metaKey && (key.toLowerCase() === l || code === "Key" + l.toUpperCase()); };
    if (key === "Escape") {
      const panel = event.target.closest && event.target.closest(".history-panel, #concordance-results");
      if (panel) {
        event.preventDefault();
        panel.hidden = true;
        const back = segment || lastEditor || segments[0];
        if (back) editors.get(back).focus();
      }
      return;
    }
    if ((event.ctrlKey || event.metaKey) && event.shiftKey && (key === "F" || key === "f" || code === "KeyF")) {
      event.preventDefault();
      const input = document.getElementById("concordance-q");
      const phrase = inEditor && segment ? editors.get(segment).selectedText() : "";
      if (input) {
        if (phrase) { input.value = phrase; searchConcordance(phrase); } else input.focus();
      }
      return;
    }
    if (!segment) return;
    if ((event.ctrlKey || event.metaKey) && key === "Enter") {
      event.preventDefault();
      const anyway = segment.querySelector(".feedback button[value=confirm-anyway]");
      if (event.shiftKey) {
        if (anyway) confirmAndMove(segment, "confirm-anyway");
        return;
      }
      confirmAndMove(segment, "confirm");
    } else if (event.altKey && !event.ctrlKey && (key === "ArrowDown" || key === "ArrowUp")) {
      event.preventDefault();
      focusSegment(neighbour(segment, key === "ArrowDown" ? 1 : -1, false));
    } else if (event.altKey && !event.ctrlKey && (key === "PageDown" || key === "PageUp")) {
      event.preventDefault();
      const next = neighbour(segment, key === "PageDown" ? 1 : -1, true);
      if (next) focusSegment(next); else say(words.no_more);
    } else if (event.altKey && letter("p")) {
      event.preventDefault();
      if (!inEditor) editors.get(segment).focus();
      editors.get(segment).insertNextMissing();
    } else if (event.altKey && letter("m")) {
      event.preventDefault();
      if (!inEditor) editors.get(segment).focus();
      nextSuggestion(segment);
    } else if (event.altKey && letter("h")) {
      event.preventDefault();
      toggleHistory(segment);
    } else if ((event.ctrlKey || event.metaKey) && event.shiftKey && (key === "S" || key === "s" || code === "KeyS")) {
      event.preventDefault();
      const editor = editors.get(segment);
      editor.set(segment.querySelector("textarea[name=text]").dataset.source);
      editor.focus();
    }
  });

  // Back from a plain form post (#s-…): the box of that segment, once the browser
  // has scrolled to the fragment (which would otherwise take the focus away again).
  window.addEventListener("load", function () {
    const target = location.hash.startsWith("#s-") && document.getElementById(location.hash.slice(1));
    if (target && editors.has(target)) {
      window.setTimeout(function () { activate(target); editors.get(target).focus(); }, 0);
    }
  });
})();
