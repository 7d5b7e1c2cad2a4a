/* The edition switch (overrides/partials/alternate.html) keeps the reader's place: the same page,
 * its query and its section (#anchor) in the other edition. The header is drawn once, for the page
 * first loaded; Material's instant navigation then changes the page but not the header, so the
 * switch's links would lead to that first page. Here they are worked out when used, from the
 * address shown. A full load, not an instant one: the other edition has its own header and language.
 * Loaded once, outside the content (overrides/main.html), like the header it serves.
 */
(function () {
  "use strict";

  const box = document.querySelector(".kb-editions[data-kb-root]");
  const current = box && box.querySelector("a[aria-current]");
  if (!current) return;
  // Both resolved now, against the page the header was drawn for.
  const root = new URL(box.dataset.kbRoot, location.href).pathname;
  const firstPage = new URL(current.href).pathname;
  if (!firstPage.startsWith(root)) return;
  const firstPlace = firstPage.slice(root.length);
  const roots = new Map();
  for (const link of box.querySelectorAll("a[hreflang]")) {
    const path = new URL(link.href).pathname;
    if (path.endsWith(firstPlace)) roots.set(link, path.slice(0, path.length - firstPlace.length));
  }

  box.addEventListener("click", (event) => {
    const link = event.target.closest("a[hreflang]");
    if (!link || !roots.has(link) || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    if (!location.pathname.startsWith(root)) return;
    event.preventDefault();
    event.stopPropagation(); // not Material's instant navigation
    location.assign(roots.get(link) + location.pathname.slice(root.length) + location.search + location.hash);
  });
})();
