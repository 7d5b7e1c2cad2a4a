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
 * The filter state is the query string of the kind's listing (methods/?theme=
 * wuyeguanli&province=210000&page=2), so a URL can be shared. Without
 * JavaScript the same facets are build-time pages, one per value, paginated.
 * Text from the data is only ever set with textContent, never as HTML.
 */
(function () {
  "use strict";

  const cache = new Map();

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

  function stateFrom(search, facets, preset) {
    const params = new URLSearchParams(search);
    const state = {};
    for (const facet of facets) {
      const value = params.get(facet.key) || preset[facet.key];
      const index = facet.values.findIndex((pair) => pair[0] === value);
      if (index >= 0) state[facet.key] = index;
    }
    const page = parseInt(params.get("page") || "1", 10);
    return { selected: state, page: Number.isFinite(page) && page > 0 ? page : 1 };
  }

  function query(data, selected, page) {
    const params = new URLSearchParams();
    for (const facet of data.facets) {
      if (facet.key in selected) params.set(facet.key, facet.values[selected[facet.key]][0]);
    }
    if (page > 1) params.set("page", String(page));
    const text = params.toString();
    return text ? "?" + text : "";
  }

  function matches(data, selected) {
    const keys = data.facets.map((facet, position) => [position, selected[facet.key]]).filter((pair) => pair[1] !== undefined);
    const found = [];
    data.records.forEach((record, index) => {
      if (keys.every(([position, value]) => record[position].includes(value))) found.push(index);
    });
    return found;
  }

  function counts(data, found) {
    const result = data.facets.map((facet) => new Array(facet.values.length).fill(0));
    for (const index of found) {
      data.records[index].forEach((values, position) => {
        for (const value of values) result[position][value] += 1;
      });
    }
    return result;
  }

  function renderPanel(listing, data, state, tally, base) {
    const panel = element("nav", { class: "kb-facets", "aria-label": "筛选" });
    data.facets.forEach((facet, position) => {
      const chosen = state.selected[facet.key];
      const values = facet.values
        .map((pair, index) => ({ slug: pair[0], label: pair[1], index, count: tally[position][index] }))
        .filter((value) => value.count > 0 || value.index === chosen)
        .sort((a, b) => (b.index === chosen) - (a.index === chosen) || b.count - a.count || a.index - b.index);
      if (!values.length) return;
      const list = element("ul");
      values.forEach((value, order) => {
        const selected = Object.assign({}, state.selected);
        if (value.index === chosen) delete selected[facet.key];
        else selected[facet.key] = value.index;
        const link = element("a", {
          href: base + query(data, selected, 1),
          "aria-current": value.index === chosen ? "true" : null,
          "data-kb-facet": "",
        }, value.label + " ", element("span", { class: "kb-count" }, String(value.count)));
        list.append(element("li", { hidden: order >= 10 && value.index !== chosen ? "" : null }, link));
      });
      if (values.length > 10) {
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
        element("a", { href: base, "data-kb-facet": "" }, "清除筛选")));
    }
    listing.querySelector(".kb-facets").replaceWith(panel);
  }

  function renderPager(data, state, pages, base) {
    const nav = element("nav", { class: "kb-pager", "aria-label": "分页" });
    if (pages <= 1) return nav;
    const list = element("ul");
    const link = (page, text, rel) => element("li", {},
      element("a", { href: base + query(data, state.selected, page), rel: rel || null, "data-kb-facet": "" }, text));
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
    const preset = JSON.parse(listing.dataset.state || "{}");
    const onBase = new URL(base, location.href).pathname === location.pathname;
    const state = stateFrom(onBase ? location.search : "", data.facets, preset);
    const found = matches(data, state.selected);
    const pages = Math.max(1, Math.ceil(found.length / data.pageSize));
    state.page = Math.min(state.page, pages);
    const shown = found.slice((state.page - 1) * data.pageSize, state.page * data.pageSize);
    const shards = await Promise.all([...new Set(shown.map((index) => Math.floor(index / data.shardSize)))]
      .map((shard) => fetchJson(root + "browse/" + data.kind + "/shard-" + shard + ".json").then((cards) => [shard, cards])));
    const byShard = new Map(shards);
    renderPanel(listing, data, state, counts(data, found), base);
    const first = (state.page - 1) * data.pageSize + 1;
    const body = listing.querySelector(".kb-listing-body");
    const summary = element("p", { class: "kb-listing-count", "aria-live": "polite" }, "共 ",
      element("strong", {}, String(found.length)), " 个" + (found.length ? "，本页第 " + first + "–" + (first + shown.length - 1) + " 个。" : "。"));
    const items = element("ol", { class: "kb-items", start: String(first) });
    for (const index of shown) items.append(card(root, byShard.get(Math.floor(index / data.shardSize))[index % data.shardSize]));
    body.replaceChildren(summary, items, renderPager(data, state, pages, base));
    listing.dataset.ready = "true";
  }

  function enhance(listing) {
    const root = listing.dataset.root;
    const base = listing.dataset.base;
    fetchJson(root + "browse/" + listing.dataset.kind + "/facets.json").then((data) => {
      listing.addEventListener("click", (event) => {
        const link = event.target.closest("a[data-kb-facet]");
        if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
        const target = new URL(link.href, location.href);
        if (target.pathname !== location.pathname) return; // from a facet page: go to the listing itself
        event.preventDefault();
        event.stopPropagation(); // not a page change for Material's instant navigation
        history.pushState(null, "", target.href);
        render(listing, data, root, base);
      });
      listing.kbRender = () => render(listing, data, root, base);
      return render(listing, data, root, base);
    }).catch((error) => {
      // The build-time list stays; say why the combined facets are missing.
      listing.dataset.ready = "error";
      console.error("kb-facets:", error);
    });
  }

  function init() {
    document.querySelectorAll(".kb-listing[data-kind]").forEach(enhance);
  }

  window.addEventListener("popstate", () => {
    document.querySelectorAll(".kb-listing[data-kind]").forEach((listing) => listing.kbRender && listing.kbRender());
  });

  // Material's instant navigation swaps pages without reloading scripts: run on each new page.
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
