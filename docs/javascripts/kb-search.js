/*
 * The site's search box (overrides/partials/search.html) and its results.
 *
 * - Searches on every change of the box: typing, an input method's finished composition, paste,
 *   voice input (the `input` event, not key presses).
 * - Nothing is fetched until a reader opens search: the engine (search/kb/worker.js, built with the
 *   index, see macros/search_worker.js) starts when the box gets focus or a query arrives.
 * - Says that it is searching, and says "no results" only after a finished search found none
 *   (data-kb-search-state: idle, searching, partial (a first answer shown, the passages still being
 *   checked), found, empty; kb-search.css shows the hint on empty only).
 * - One result per record, labelled with its kind (and a method's substance level); a record's
 *   training plan, card or visit sheet are links under it. Text is written with textContent only.
 *
 * Other parts of the site open it without knowing how it works (documented in README.md):
 *   <form action="<site root>" data-kb-search><input name="q"></form>
 * on submit the form's q is searched here; without script, or from a link, any page's `?q=…` is.
 */
"use strict"

;(() => {
  const root = document.querySelector("[data-kb-search-root]")
  if (!root) return
  const toggle = document.getElementById("__search")
  const input = root.querySelector(".md-search__input")
  const status = root.querySelector(".md-search-result__meta")
  const list = root.querySelector(".md-search-result__list")
  const workerURL = new URL(root.dataset.kbSearchWorker, document.baseURI)
  const siteRoot = new URL("../../", workerURL)  // the worker is search/kb/worker.js
  const GROUP_LABELS = { theme: "主题", list: "列表" }
  let worker = null
  let asked = 0
  let composing = false

  const say = (state, text) => {
    root.dataset.kbSearchState = state
    list.setAttribute("aria-busy", state === "searching" ? "true" : "false")
    status.textContent = text
  }

  function start() {
    if (worker) return
    worker = new Worker(workerURL)
    worker.addEventListener("message", event => show(event.data))
    worker.addEventListener("error", () => say("empty", "搜索暂时不可用，请稍后再试"))
  }

  function open() {
    if (toggle && !toggle.checked) {
      toggle.checked = true
      toggle.dispatchEvent(new Event("change"))  // Material locks the page's scrolling on a phone
    }
  }

  function close() {
    if (toggle && toggle.checked) {
      toggle.checked = false
      toggle.dispatchEvent(new Event("change"))
    }
    input.blur()
  }

  function run() {
    const query = input.value.trim()
    asked += 1
    if (!query) {
      list.replaceChildren()
      say("idle", "键入以开始搜索")
      return
    }
    start()
    say("searching", "正在搜索……")
    worker.postMessage({ type: "query", id: asked, q: query })
  }

  /* Text runs [plain, marked, plain, …] as nodes */
  function write(element, runs) {
    runs.forEach((text, i) => {
      if (!text) return
      if (i % 2) {
        const mark = document.createElement("mark")
        mark.textContent = text
        element.append(mark)
      } else element.append(text)
    })
    return element
  }

  function link(location) {
    const url = new URL(location, siteRoot)
    return url.origin === siteRoot.origin ? url.href : null  // only this site's pages
  }

  function element(tag, className, text) {
    const made = document.createElement(tag)
    if (className) made.className = className
    if (text) made.textContent = text
    return made
  }

  function result(item) {
    const href = link(item.l)
    if (!href) return null
    const li = element("li", "md-search-result__item")
    const a = element("a", "md-search-result__link")
    a.href = href
    const article = element("article", "md-search-result__article md-typeset")
    const kind = item.k || GROUP_LABELS[item.g] || ""
    if (kind) {
      const label = element("p", "kb-search-kind", kind)
      if (item.v) label.append(" · ", element("span", "kb-search-level", `资料${item.v}`))
      article.append(label)
    }
    article.append(write(element("h1"), item.t), write(element("p"), item.s))
    a.append(article)
    li.append(a)
    for (const part of item.parts || []) {
      const partHref = link(part.l)
      if (!partHref) continue
      const partLink = element("a", "md-search-result__link kb-search-part")
      partLink.href = partHref
      const partArticle = element("article", "md-search-result__article md-typeset")
      partArticle.append(element("h2", "", part.t))
      partLink.append(partArticle)
      li.append(partLink)
    }
    return li
  }

  function show(answer) {
    if (!answer || answer.type !== "answer" || answer.id !== asked) return  // a newer query is on its way
    const items = answer.items.map(result).filter(Boolean)
    list.replaceChildren(...items)
    if (items.length) say(answer.done ? "found" : "partial", answer.done ? `找到 ${items.length} 条结果` : `找到 ${items.length} 条结果，正在核对……`)
    else if (answer.done) say("empty", "没有找到结果")
    if (!answer.done) {  // on the screen: the engine may now fetch the page texts (after a paint, or soon)
      let told = false
      const tell = () => { if (!told) worker.postMessage({ type: "shown", id: answer.id }); told = true }
      requestAnimationFrame(() => setTimeout(tell))
      setTimeout(tell, 200)
    }
  }

  input.addEventListener("compositionstart", () => { composing = true })
  input.addEventListener("compositionend", () => { composing = false; run() })
  input.addEventListener("input", event => { if (!(composing || event.isComposing)) run() })
  // The engine loads while the reader types. Opened after the event: a tap on the header's button
  // focuses the box first and then toggles the dialog itself, which must find it still closed.
  input.addEventListener("focus", () => { start(); setTimeout(open) })
  input.form.addEventListener("reset", () => setTimeout(() => { run(); input.focus() }))
  input.form.addEventListener("submit", event => {
    event.preventDefault()
    const first = list.querySelector("a[href]")
    if (first) first.click()
  })
  input.addEventListener("keydown", event => { if (event.key === "Escape") close() })
  // A tap on the header's search button: focus the box in the same gesture, so a phone shows its keyboard.
  for (const label of document.querySelectorAll("header label[for='__search']"))
    label.addEventListener("click", () => input.focus())
  document.addEventListener("keydown", event => {
    const target = event.target
    const typing = target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
    if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey && ["/", "s", "f"].includes(event.key)) {
      event.preventDefault()
      open()
      input.focus()
      input.select()
    }
  })

  function searchFor(text) {
    input.value = text
    open()
    input.focus()
    run()
  }

  // Listened for on the document: a page's content (and its forms) may come later, by instant navigation.
  document.addEventListener("submit", event => {
    const form = event.target
    if (!(form instanceof HTMLFormElement) || !form.matches("[data-kb-search]")) return
    const field = form.elements.namedItem("q")
    if (!(field instanceof HTMLInputElement) || !field.value.trim()) return
    event.preventDefault()
    searchFor(field.value)
  })
  const wanted = new URLSearchParams(location.search).get("q")
  if (wanted && wanted.trim()) searchFor(wanted)
})()
