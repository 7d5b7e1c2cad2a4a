/* Combined facets on the listing pages (工作法, 工作室与项目, 书记与导师, 示范点与阵地).
 *
 * Why our own script and not Pagefind's filter API: Pagefind would build a
 * second full-text index of every page beside the site's own search engine,
 * has to run as a binary after each edition's build, and fetches one fragment
 * per result. Here the build already knows every record's facet values
 * (macros/facets.py), so it writes them once per kind as a small JSON index
 * (browse/<kind>/facets.json: value numbers per record, no text) and the cards
 * in shards of 50 (browse/<kind>/shard-<n>.json), fetched only for the page
 * shown. Counting is a loop over integers; no library is needed, and nothing
 * is loaded from another host.
 *
 * A value's count is the number of records a tap on it shows: the value
 * replaces the facet's chosen one (a chosen value, tapped, is dropped), and the
 * other facets' choices stay. The build's panel counts the same way
 * (macros/facets.py: tap).
 *
 * Addresses: a selection the build made a page for (one facet value, or two of
 * the "paired" facets) is that page's address, browse/methods/theme/wuyeguanli/
 * province/210000/, which reads without JavaScript; the rest of a selection
 * follows as a query string (…/theme/wuyeguanli/?city=210100&page=2). A tap
 * that stays on the same page redraws the results in place and brings them
 * into view; one that needs another page goes there, to its #kb-results.
 * Text from the data is only ever set with textContent, never as HTML.
 *
 * Loaded only by pages with a listing (overrides/partials/kb-page-scripts.html);
 * Material's instant navigation runs it again on each such page.
 */
(function () {
  "use strict";

  const RESULTS = "kb-results";
  const SHOWN = 10;
  const cache = (window.kbFacetsCache = window.kbFacetsCache || new Map());

  function fetchJson(url) {
    if (!cache.has(url)) {
      cache.set(url, fetch(url).then((response) => {
        if (!response.ok) throw new Error(url + ": " + response.status);
        return response.json();
      }));
    }
    return cache.get(url);
  }

  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined) node.setAttribute(name, value);
    }
    for (const child of children) {
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  // ---- selections and their addresses --------------------------------------------------

  /* The selection shown: the page's own (data-state, data-page) with the query string's on top. */
  function stateFrom(listing, data) {
    const preset = JSON.parse(listing.dataset.state || "{}");
    const params = new URLSearchParams(location.search);
    const selected = {};
    for (const facet of data.facets) {
      const value = params.get(facet.key) || preset[facet.key];
      const index = facet.values.findIndex((pair) => pair[0] === value);
      if (index >= 0) selected[facet.key] = index;
    }
    const page = parseInt(params.get("page") || listing.dataset.page || "1", 10);
    return { selected, page: Number.isFinite(page) && page > 0 ? page : 1 };
  }

  /* The chosen facets that make a page of their own, as macros/facets.py's selection_path: one
     value of a facet that has listings, or two values of paired facets. */
  function pagedPart(data, keys) {
    const listed = keys.filter((key) => !data.recordFacets.includes(key));
    const paired = listed.filter((key) => data.paired.includes(key));
    if (keys.length === 1 && listed.length === 1) return listed;
    if (keys.length === 2 && paired.length === 2) return paired;
    if (paired.length >= 2) return paired.slice(0, 2);
    return listed.slice(0, 1);
  }

  function address(data, root, base, selected, page) {
    const keys = data.facets.map((facet) => facet.key).filter((key) => key in selected);
    const part = pagedPart(data, keys);
    const value = (key) => data.facets.find((facet) => facet.key === key).values[selected[key]][0];
    const params = new URLSearchParams();
    for (const key of keys) if (!part.includes(key)) params.set(key, value(key));
    const folder = root + "browse/" + data.kind + "/" + part.map((key) => key + "/" + value(key) + "/").join("");
    let path = part.length ? folder : base;
    if (page > 1 && params.size) params.set("page", String(page));
    else if (page > 1) path = folder + "page-" + page + "/";
    const query = params.toString();
    return path + (query ? "?" + query : "") + "#" + RESULTS;
  }

  // ---- counting ------------------------------------------------------------------------

  function matches(data, selected, without) {
    const keys = data.facets.map((facet, position) => [position, facet.key])
      .filter(([, key]) => key in selected && key !== without).map(([position, key]) => [position, selected[key]]);
    const found = [];
    data.records.forEach((record, index) => {
      if (keys.every(([position, value]) => record[position].includes(value))) found.push(index);
    });
    return found;
  }

  /* Per facet, per value: how many records a tap on it shows. */
  function tapCounts(data, selected) {
    return data.facets.map((facet, position) => {
      const others = matches(data, selected, facet.key);
      const counts = new Array(facet.values.length).fill(0);
      for (const index of others) for (const value of data.records[index][position]) counts[value] += 1;
      if (facet.key in selected) counts[selected[facet.key]] = others.length; // tapped, the choice is dropped
      return counts;
    });
  }

  // ---- drawing -------------------------------------------------------------------------

  function renderPanel(listing, data, state, root, base) {
    const tally = tapCounts(data, state.selected);
    const panel = element("nav", { class: "kb-facets", "aria-label": "筛选" });
    data.facets.forEach((facet, position) => {
      const chosen = state.selected[facet.key];
      const values = facet.values
        .map((pair, index) => ({ label: pair[1], index, count: tally[position][index] }))
        .filter((value) => value.count > 0 || value.index === chosen)
        .sort((a, b) => (b.index === chosen) - (a.index === chosen) || b.count - a.count || a.index - b.index);
      if (!values.length) return;
      const list = element("ul");
      values.forEach((value, order) => {
        const selected = Object.assign({}, state.selected);
        if (value.index === chosen) delete selected[facet.key];
        else selected[facet.key] = value.index;
        const words = value.index === chosen
          ? [value.label, element("span", { class: "kb-facet-drop", "aria-hidden": "true" }, "✕"),
             element("span", { class: "kb-visually-hidden" }, "（取消，显示 " + value.count + " 个）")]
          : [value.label + " ", element("span", { class: "kb-count" }, String(value.count))];
        const link = element("a", {
          href: address(data, root, base, selected, 1),
          "aria-current": value.index === chosen ? "true" : null,
          "data-kb-facet": "",
        }, ...words);
        list.append(element("li", { hidden: order >= SHOWN && value.index !== chosen ? "" : null }, link));
      });
      if (values.length > SHOWN) {
        const more = element("button", { type: "button", class: "kb-facet-more" }, "全部 " + values.length + " 个");
        more.addEventListener("click", () => {
          list.querySelectorAll("li[hidden]").forEach((item) => item.removeAttribute("hidden"));
          more.remove();
        });
        list.append(element("li", {}, more));
      }
      const open = chosen !== undefined || listing.querySelector('.kb-facet[data-facet="' + facet.key + '"][open]');
      panel.append(element("details", { class: "kb-facet", "data-facet": facet.key, open: open ? "" : null },
        element("summary", {}, chosen === undefined ? facet.label : facet.label + "：" + facet.values[chosen][1]), list));
    });
    if (Object.keys(state.selected).length) {
      panel.append(element("p", { class: "kb-facet-clear" },
        element("a", { href: base + "#" + RESULTS, "data-kb-facet": "" }, "清除筛选")));
    }
    listing.querySelector(".kb-facets").replaceWith(panel);
  }

  function renderPager(data, state, pages, root, base) {
    const nav = element("nav", { class: "kb-pager", "aria-label": "分页" });
    if (pages <= 1) return nav;
    const list = element("ul");
    const link = (page, text, rel) => element("li", {},
      element("a", { href: address(data, root, base, state.selected, page), rel: rel || null, "data-kb-facet": "" }, text));
    if (state.page > 1) list.append(link(state.page - 1, "上一页", "prev"));
    let previous = 0;
    for (let page = 1; page <= pages; page += 1) {
      if (page !== 1 && page !== pages && Math.abs(page - state.page) > 2) continue;
      if (page - previous > 1) list.append(element("li", { "aria-hidden": "true" }, "…"));
      list.append(page === state.page
        ? element("li", {}, element("span", { "aria-current": "page" }, String(page)))
        : link(page, String(page)));
      previous = page;
    }
    if (state.page < pages) list.append(link(state.page + 1, "下一页", "next"));
    nav.append(list);
    return nav;
  }

  function card(root, record) {
    const facts = element("dl", { class: "kb-item-facts" });
    for (const [label, parts] of record.facts) {
      const value = element("dd");
      parts.forEach(([text, url], index) => {
        if (index) value.append("、");
        value.append(url === null ? document.createTextNode(text) : element("a", { href: root + url }, text));
      });
      facts.append(element("div", {}, element("dt", {}, label), value));
    }
    return element("li", { class: "kb-item" },
      element("a", { class: "kb-item-name", href: root + record.url }, record.name),
      record.summary ? element("p", { class: "kb-item-summary" }, record.summary) : "",
      facts);
  }

  async function render(listing, data, root, base) {
    const state = stateFrom(listing, data);
    const found = matches(data, state.selected, null);
    const pages = Math.max(1, Math.ceil(found.length / data.pageSize));
    state.page = Math.min(state.page, pages);
    const shown = found.slice((state.page - 1) * data.pageSize, state.page * data.pageSize);
    const shards = await Promise.all([...new Set(shown.map((index) => Math.floor(index / data.shardSize)))]
      .map((shard) => fetchJson(root + "browse/" + data.kind + "/shard-" + shard + ".json").then((cards) => [shard, cards])));
    const byShard = new Map(shards);
    renderPanel(listing, data, state, root, base);
    const first = (state.page - 1) * data.pageSize + 1;
    const body = listing.querySelector(".kb-listing-body");
    const summary = element("p", { class: "kb-listing-count", "aria-live": "polite", tabindex: "-1" }, "共 ",
      element("strong", {}, String(found.length)), " 个" + (found.length ? "，本页第 " + first + "–" + (first + shown.length - 1) + " 个。" : "。"));
    const items = element("ol", { class: "kb-items", start: String(first) });
    for (const index of shown) items.append(card(root, byShard.get(Math.floor(index / data.shardSize))[index % data.shardSize]));
    body.replaceChildren(summary, items, renderPager(data, state, pages, root, base));
    listing.dataset.ready = "true";
  }

  function enhance(listing) {
    if (listing.dataset.enhanced) return;
    listing.dataset.enhanced = "true";
    const root = listing.dataset.root;
    const base = new URL(listing.dataset.base, location.href).pathname;
    fetchJson(root + "browse/" + listing.dataset.kind + "/facets.json").then((data) => {
      listing.addEventListener("click", (event) => {
        const link = event.target.closest("a[data-kb-facet]");
        if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
        const target = new URL(link.href, location.href);
        if (target.pathname !== location.pathname) return; // another page made for this selection: go there
        event.preventDefault();
        event.stopPropagation(); // not a page change for Material's instant navigation
        history.pushState(null, "", target.href);
        render(listing, data, root, base).then(() => {
          const count = listing.querySelector(".kb-listing-count");
          count.scrollIntoView({ block: "start" });
          count.focus({ preventScroll: true });
        });
      });
      listing.kbRender = () => render(listing, data, root, base);
      return render(listing, data, root, base);
    }).catch((error) => {
      // The build-time list stays; say why the combined facets are missing.
      listing.dataset.ready = "error";
      console.error("kb-facets:", error);
    });
  }

  if (!window.kbFacetsPopstate) {
    window.kbFacetsPopstate = true;
    window.addEventListener("popstate", () => {
      document.querySelectorAll(".kb-listing[data-kind]").forEach((listing) => listing.kbRender && listing.kbRender());
    });
  }
  document.querySelectorAll(".kb-listing[data-kind]").forEach(enhance);
})();
