/*
 * The knowledge base's search engine, behind Material's own search box.
 *
 * Speaks Material's search-worker protocol (SETUP 0 → READY 1, QUERY 2 →
 * RESULT 3) and reads the sharded index that hooks/search_index.py writes to
 * search/kb/ (format: macros/search_index.py). A query downloads only the
 * shards of its own terms and the texts of the pages it checks.
 */
"use strict"

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3
const TITLE_FLAG = 64
const FIRST = 6             // results sent at once: their page texts load in one round (six connections a host)
const MAX_RESULTS = 50      // results sent in the second, complete answer
const MAX_CHECKED = 150     // candidates checked at most
const SNIPPET = 36          // characters of context either side of a match

const CJK = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff"
const UNIT = new RegExp(`[${CJK}]|[a-z0-9]+`, "g")
const SEGMENT = new RegExp(`(?:[${CJK}]|[a-z0-9])+`, "g")
const LATIN = /^[a-z]+$/

const base = new URL("../../search/kb/", self.location.href)
let meta = null
let foldMap = new Map()
const shardCache = new Map()
const docCache = new Map()

/* ------------------------------------------------------------------------ */

/* Same as macros/search_index.py fold_table(): NFKC, lower case, Traditional → Simplified, char by char */
const folded = new Map()
function foldChar(ch) {
  let c = folded.get(ch)
  if (c === undefined) {
    c = ch.normalize("NFKC")
    if (c.length !== 1) c = ch
    const lower = c.toLowerCase()
    if (lower.length === 1) c = lower
    c = foldMap.get(c) || c
    if (c.length !== 1) c = ch
    folded.set(ch, c)
  }
  return c
}

function fold(text) {
  let out = ""
  for (let i = 0; i < text.length; i++) out += foldChar(text[i])
  return out
}

function hash(term) {
  let h = 0x811c9dc5
  for (let i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

async function getJSON(path) {
  const response = await fetch(new URL(path, base))
  if (!response.ok) throw new Error(`${path}: ${response.status}`)
  return response.json()
}

function shard(term) {
  const number = hash(term) % meta.shards
  if (!shardCache.has(number))
    shardCache.set(number, getJSON(`s/${number}.json`).catch(() => ({})))
  return shardCache.get(number)
}

async function lookup(term) {
  return (await shard(term))[term]
}

function doc(id) {
  if (!docCache.has(id))
    docCache.set(id, getJSON(`d/${id}.json`).then(d => ({ ...d, ft: fold(d.t), fx: fold(d.x) }), () => null))
  return docCache.get(id)
}

/* Postings [deltas, weights] → Map(doc → weight) */
function decode(entry) {
  const map = new Map()
  if (!Array.isArray(entry) || !Array.isArray(entry[0])) return map
  let id = 0
  entry[0].forEach((delta, i) => { id += delta; map.set(id, entry[1][i]) })
  return map
}

/* The index's terms of a folded phrase: its trigrams, bigrams, or its one unit */
function phraseTerms(folded) {
  const terms = new Set()
  for (const segment of folded.match(SEGMENT) || []) {
    const units = segment.match(UNIT)
    const n = Math.min(units.length, 3)
    for (let i = 0; i + n <= units.length; i++) terms.add(units.slice(i, i + n).join(""))
  }
  return [...terms]
}

/* Candidate pages of one phrase: every term present; score ≈ rarest term's frequency */
async function phraseCandidates(phrase) {
  const terms = phraseTerms(phrase)
  if (!terms.length) return new Map()
  const [words, ...lists] = (await Promise.all(["w:" + phrase, ...terms].map(lookup))).map(decode)
  lists.sort((a, b) => a.size - b.size)
  const result = new Map()
  for (const [id, weight] of lists[0]) {
    let score = weight % TITLE_FLAG, title = weight >= TITLE_FLAG
    let ok = true
    for (const list of lists.slice(1)) {
      const w = list.get(id)
      if (w === undefined) { ok = false; break }
      score = Math.min(score, w % TITLE_FLAG)
      title = title && w >= TITLE_FLAG
    }
    if (ok) result.set(id, score + (title ? 100 : 0))
  }
  for (const [id, count] of words)
    if (result.has(id)) result.set(id, result.get(id) + 20 + count)
  return result
}

/* What one typed token may stand for: itself, the names its pinyin spells, the names its alias stands for.
   Its own terms are asked for at the same time, so their shards load in parallel. */
async function alternatives(token) {
  const phrase = fold(token)
  const keys = ["a:" + phrase]
  if (LATIN.test(phrase) && phrase.length >= 2) keys.push("p:" + phrase)
  const own = phraseCandidates(phrase)
  const phrases = new Map([[phrase, own]])
  for (const names of await Promise.all(keys.map(lookup)))
    if (Array.isArray(names))
      for (const name of names.map(fold))
        if (!phrases.has(name)) phrases.set(name, phraseCandidates(name))
  return phrases
}

/* Where a folded phrase occurs in folded text; ASCII words must not be parts of longer ones */
function occurrences(text, phrase) {
  const found = []
  const alnum = /[a-z0-9]/
  let at = text.indexOf(phrase)
  while (at !== -1) {
    const before = text[at - 1], after = text[at + phrase.length]
    const headOk = !alnum.test(phrase[0]) || !before || !alnum.test(before)
    const tailOk = !alnum.test(phrase[phrase.length - 1]) || !after || !alnum.test(after)
    if (headOk && tailOk) found.push(at)
    at = text.indexOf(phrase, at + 1)
  }
  return found
}

function escapeHTML(text) {
  return text.replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c])
}

/* Original text with [start, end) ranges marked */
function mark(text, ranges) {
  ranges = ranges.slice().sort((a, b) => a[0] - b[0])
  let out = "", at = 0
  for (const [start, end] of ranges) {
    if (start < at) continue
    out += escapeHTML(text.slice(at, start)) + "<mark data-md-highlight>" + escapeHTML(text.slice(start, end)) + "</mark>"
    at = end
  }
  return out + escapeHTML(text.slice(at))
}

function snippet(d, ranges) {
  const text = d.x.replace(/\n/g, " ")
  const first = ranges.length ? Math.min(...ranges.map(r => r[0])) : 0
  const start = Math.max(0, first - SNIPPET)
  const end = Math.min(text.length, first + SNIPPET * 3)
  const inside = ranges.filter(([s, e]) => s >= start && e <= end).map(([s, e]) => [s - start, e - start])
  return (start > 0 ? "…" : "") + mark(text.slice(start, end), inside) + (end < text.length ? "…" : "")
}

/* A fetched page against every token: matched phrases per token, or null */
function verify(d, tokens) {
  let score = 0
  const textRanges = [], titleRanges = [], terms = {}
  for (const phrases of tokens) {
    let best = null
    for (const phrase of phrases) {
      const inTitle = occurrences(d.ft, phrase)
      const inText = occurrences(d.fx, phrase)
      if (!inTitle.length && !inText.length) continue
      const s = (inTitle.length ? 50 + (d.ft === phrase ? 50 : 0) : 0) + Math.min(inText.length, 20) +
        (phrase === phrases[0] ? 3 : 0)  // what was typed, before the names it stands for
      if (!best || s > best.score) best = { phrase, inTitle, inText, score: s }
    }
    if (!best) return null
    score += best.score
    for (const at of best.inTitle) titleRanges.push([at, at + best.phrase.length])
    for (const at of best.inText) textRanges.push([at, at + best.phrase.length])
    const original = best.inText.length
      ? d.x.slice(best.inText[0], best.inText[0] + best.phrase.length)
      : d.t.slice(best.inTitle[0], best.inTitle[0] + best.phrase.length)
    terms[original] = true
  }
  return { score, textRanges, titleRanges, terms }
}

async function search(query, post) {
  const typed = query.trim().split(/[\s,，、;；:："“”'‘’「」『』()（）]+/).filter(Boolean)
  if (!typed.length) return { items: [] }
  const found = await Promise.all(typed.map(alternatives))

  /* Candidates: pages having every token (any of its phrases), best first */
  let candidates = null
  const tokens = []
  for (const phrases of found) {
    const union = new Map()
    const usable = [...phrases.keys()].filter(p => phraseTerms(p).length)
    if (!usable.length) continue
    tokens.push(usable)
    for (const matches of await Promise.all(usable.map(p => phrases.get(p))))
      for (const [id, score] of matches) union.set(id, Math.max(union.get(id) || 0, score))
    if (candidates === null) candidates = union
    else {
      const both = new Map()
      for (const [id, score] of union) if (candidates.has(id)) both.set(id, candidates.get(id) + score)
      candidates = both
    }
  }
  if (!candidates) return { items: [] }
  const ranked = [...candidates].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id]) => id)

  /* Check the best candidates' texts for the phrases themselves; fetch more only if some fail.
     The first FIRST results go out at once; the rest follow in a second, longer answer. */
  const hits = []
  let sent = 0
  const answer = () => {
    const first = hits.slice(0, sent).concat(hits.slice(sent).sort(byScore))
    hits.splice(0, hits.length, ...first)
    sent = hits.length
    return { items: hits.map(item) }
  }
  for (let i = 0; i < ranked.length && i < MAX_CHECKED && hits.length < MAX_RESULTS;) {
    const want = (hits.length < FIRST ? FIRST : MAX_RESULTS) - hits.length
    const ids = ranked.slice(i, i + want)
    i += ids.length
    const docs = await Promise.all(ids.map(doc))
    docs.forEach(d => {
      const match = d && verify(d, tokens)
      if (match) hits.push({ d, match, rank: hits.length })
    })
    if (!sent && hits.length >= FIRST && i < ranked.length) {
      if (!post(answer())) return null
    }
  }
  return answer()
}

function byScore(a, b) {
  return b.match.score - a.match.score || a.rank - b.rank
}

function item({ d, match }) {
  return [{
    location: d.l,
    title: mark(d.t, match.titleRanges),
    text: snippet(d, match.textRanges),
    score: match.score,
    terms: match.terms
  }]
}

async function setup() {
  meta = await getJSON("meta.json")
  const pairs = [...meta.fold]
  foldMap = new Map()
  for (let i = 0; i + 1 < pairs.length; i += 2) foldMap.set(pairs[i], pairs[i + 1])
}

let latest = 0

addEventListener("message", async ev => {
  const message = ev.data
  if (message.type === SETUP) {
    await setup()
    postMessage({ type: READY })
  } else if (message.type === QUERY) {
    const mine = ++latest
    const post = data => {  // false once a newer query is on its way
      if (mine === latest) postMessage({ type: RESULT, data })
      return mine === latest
    }
    try {
      const data = await search(message.data, post)
      if (data) post(data)
    } catch (err) {
      console.warn("search failed", err)
      post({ items: [] })
    }
  }
})
