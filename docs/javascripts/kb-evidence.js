/* Evidence beside the statement: tapping, clicking or hovering a marker (<sup class="kb-ev">)
 * shows its note (the article's words, the article, a link to the original) in a small box next
 * to it. Without this script the marker is a plain footnote link to the numbered notes at the
 * end of the page (macros/citations.py), which is also what print shows.
 *
 * Loaded only on pages with markers (overrides/main.html); Material's instant navigation runs it
 * again on each such page, so the document-wide listeners are added once. The box is a copy of
 * the note's own nodes (cloneNode), never HTML from a string.
 *
 * Keyboard: the marker is a link; Enter opens the box and moves focus into it (Tab reaches its
 * links), Escape closes it and returns to the marker.
 */
(function () {
  "use strict";

  const HOVER_DELAY = 150;
  const LEAVE_DELAY = 300;
  const MARGIN = 8;
  let shown = null; // { link, box }
  let timer = 0;

  function noteOf(link) {
    const id = decodeURIComponent(link.hash.slice(1));
    return id ? document.getElementById(id) : null;
  }

  function close(returnFocus) {
    window.clearTimeout(timer);
    if (!shown) return;
    const { link, box } = shown;
    shown = null;
    box.remove();
    link.setAttribute("aria-expanded", "false");
    if (returnFocus) link.focus();
  }

  function place(box, link) {
    const marker = link.getBoundingClientRect();
    const width = box.offsetWidth;
    const left = Math.min(Math.max(marker.left + marker.width / 2 - width / 2, MARGIN),
                          document.documentElement.clientWidth - width - MARGIN);
    box.style.left = Math.max(left, MARGIN) + window.scrollX + "px";
    box.style.top = marker.bottom + window.scrollY + 6 + "px";
  }

  function open(link, moveFocus) {
    const note = noteOf(link);
    const body = note && note.querySelector(".kb-ev-body");
    if (!body) return;
    if (shown && shown.link === link) {
      if (moveFocus) shown.box.focus();
      return;
    }
    close(false);
    const box = document.createElement("div");
    box.className = "kb-ev-pop";
    box.id = "kb-ev-pop";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", "依据 " + link.textContent);
    box.tabIndex = -1;
    box.appendChild(body.cloneNode(true));
    const shut = document.createElement("button");
    shut.type = "button";
    shut.className = "kb-ev-close";
    shut.setAttribute("aria-label", "关闭");
    shut.textContent = "×";
    shut.addEventListener("click", () => close(true));
    box.appendChild(shut);
    box.addEventListener("mouseenter", () => window.clearTimeout(timer));
    box.addEventListener("mouseleave", () => leave());
    document.body.appendChild(box);
    place(box, link);
    link.setAttribute("aria-expanded", "true");
    link.setAttribute("aria-controls", box.id);
    shown = { link, box };
    if (moveFocus) box.focus();
  }

  function leave() {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      if (shown && !shown.box.contains(document.activeElement)) close(false);
    }, LEAVE_DELAY);
  }

  function markerOf(target) {
    return target instanceof Element ? target.closest("a.kb-ev-link") : null;
  }

  function listen() {
    document.addEventListener("click", (event) => {
      const link = markerOf(event.target);
      if (link) {
        event.preventDefault();
        event.stopPropagation(); // not a page change for Material's instant navigation
        // A click from the keyboard (Enter) has no pointer position: focus follows into the box.
        open(link, event.detail === 0);
      } else if (shown && !shown.box.contains(event.target)) {
        close(false);
      }
    }, true);
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && shown) {
        event.preventDefault();
        close(true);
      }
    });
    document.addEventListener("focusin", (event) => {
      if (shown && !shown.box.contains(event.target) && event.target !== shown.link) close(false);
    });
    document.addEventListener("mouseover", (event) => {
      const link = markerOf(event.target);
      if (!link || (event.relatedTarget instanceof Node && link.contains(event.relatedTarget))) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(() => open(link, false), HOVER_DELAY);
    });
    document.addEventListener("mouseout", (event) => {
      const link = markerOf(event.target);
      if (link && !(event.relatedTarget instanceof Node && link.contains(event.relatedTarget))) leave();
    });
    window.addEventListener("resize", () => close(false));
  }

  function init() {
    close(false);
    for (const link of document.querySelectorAll("a.kb-ev-link")) {
      link.setAttribute("aria-haspopup", "dialog");
      link.setAttribute("aria-expanded", "false");
    }
  }

  if (!window.kbEvidenceListening) {
    window.kbEvidenceListening = true;
    listen();
  }
  init();
})();
