/*
 * The knowledge base's search engine, behind Material's own search box.
 *
 * Speaks Material's search-worker protocol (SETUP 0 → READY 1, QUERY 2 →
 * RESULT 3) and reads the sharded index that kb_build/search_index.py writes to
 * search/kb/ (format: macros/search_index.py). A query downloads only the
 * shards of its own terms and the texts of the pages it checks.
 *
 * Ranking, best first: pages holding the whole phrase (a name or alias in the
 * title above body text, a record's own page above the pages that mention
 * it); when fewer than FIRST pages do, pages holding all of the query's
 * content words in one passage, then more than half of them. A record's
 * training plan and card come grouped under it, and the themes and kinds of
 * record the query names are offered after the first three results.
 */
"use strict"

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3
const TITLE_FLAG = 64
const FIRST = 6             // results sent at once: their page texts load in one round (six connections a host)
const MAX_RESULTS = 50      // results sent in the second, complete answer
const MAX_CHECKED = 150     // candidates checked at most
const SNIPPET = 36          // characters of context either side of a match
const OTHER = 0, RECORD = 1, PART = 2  // what a page is (macros/search_index.py: ranked_pages)
const PHRASE = 3000, ALL_WORDS = 2000, MOST_WORDS = 1000  // tiers: the whole phrase, then scattered words
const SUGGEST_AT = 3        // suggestions come after this many results
const WORD_MAX = 4          // longest word looked up when cutting a query into words
const CHUNK_MAX = 10        // runs are cut into words this long at most at a time (look-ups grow with it)
// Question words and particles: not what a page is about (怎么办, 如何, 的 …). Question words also cut
// a typed phrase before it is looked up word by word; the other words are dropped only once cut out.
const QUESTION_WORDS = ["怎么办", "怎么样", "怎么", "怎样", "如何", "什么", "哪些", "哪里", "哪个", "为什么",
  "是否", "有没有", "能不能"]
const STOP_WORDS = new Set([...QUESTION_WORDS, "可以", "应该", "需要", "问题", "方法", "办法"])
const STOP_SPLIT = new RegExp(QUESTION_WORDS.join("|"))
const STOP_CHARS = new Set([..."的地得了吗呢吧啊呀么和与及或在是有把被给对让要想去做搞办怎何哪些如啥咋谁个"])

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

// CRC-32 of the term's UTF-16 code units, low byte first: zlib.crc32(term.encode("utf-16-le"))
// in macros/search_index.py, which the build computes in C for every term of the site.
const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

function hash(term) {
  let c = 0xffffffff
  for (let i = 0; i < term.length; i++) {
    const unit = term.charCodeAt(i)
    c = CRC_TABLE[(c ^ unit) & 0xff] ^ (c >>> 8)
    c = CRC_TABLE[(c ^ (unit >>> 8)) & 0xff] ^ (c >>> 8)
  }
  return (c ^ 0xffffffff) >>> 0
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

function role(id) {
  return id < (meta.own || 0) ? RECORD : id < (meta.part || 0) ? PART : OTHER
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

const PRIOR = { [RECORD]: 60, [PART]: 10, [OTHER]: 0 }

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
    if (ok) result.set(id, score + (title ? 100 : 0) + PRIOR[role(id)])
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

/* The passage (line of the page's text) around the first match, with its matches marked; a short
   passage goes on into the next ones so the excerpt reads as text, not as a fragment */
function snippet(d, ranges) {
  const first = ranges.length ? Math.min(...ranges.map(r => r[0])) : 0
  const lineStart = d.x.lastIndexOf("\n", first - 1) + 1
  let start = Math.max(lineStart, first - SNIPPET)
  const end = Math.min(d.x.length, Math.max(first + SNIPPET * 3, start + SNIPPET * 2))
  if (start > lineStart && first - lineStart <= SNIPPET * 2) start = lineStart
  const inside = ranges.filter(([s, e]) => s >= start && e <= end).map(([s, e]) => [s - start, e - start])
  const text = mark(d.x.slice(start, end), inside).replace(/\n/g, " ")
  return (start > lineStart ? "…" : "") + text + (end < d.x.length ? "…" : "")
}

/* How well a page's title and aliases answer a phrase */
function nameScore(d, phrase) {
  const title = d.ft.replace(/[“”"‘’'《》（）()·、，\s]/g, "")
  if (title === phrase || (d.a || []).some(a => fold(a) === phrase)) return 800
  if (d.ft.includes(phrase) || (d.a || []).some(a => fold(a).includes(phrase))) return 300
  return 0
}

const ROLE_SCORE = { [RECORD]: 200, [PART]: 50, [OTHER]: 0 }

/* A fetched page against every token as a phrase: score and matched ranges, or null */
function verify(d, tokens) {
  let score = PHRASE + ROLE_SCORE[d.role]
  const textRanges = [], titleRanges = [], terms = {}
  for (const phrases of tokens) {
    let best = null
    for (const phrase of phrases) {
      const inTitle = occurrences(d.ft, phrase)
      const inText = occurrences(d.fx, phrase)
      if (!inTitle.length && !inText.length) continue
      const s = nameScore(d, phrase) + Math.min(inText.length, 20) +
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

/* A fetched page against the content words: the passage (a line of its text, with the title) holding
   the most of them, if it holds at least `need`; scored below every phrase match */
function verifyWords(d, words, need) {
  const inTitle = words.filter(w => occurrences(d.ft, w).length)
  let best = null, at = 0
  for (const line of d.fx.split("\n")) {
    const here = words.filter(w => !inTitle.includes(w) && occurrences(line, w).length)
    if (!best || here.length > best.here.length) best = { here, at, line }
    at += line.length + 1
  }
  const found = inTitle.length + (best ? best.here.length : 0)
  if (found < need) return null
  const textRanges = [], titleRanges = [], terms = {}
  for (const w of inTitle) for (const i of occurrences(d.ft, w)) titleRanges.push([i, i + w.length])
  for (const w of best ? best.here : [])
    for (const i of occurrences(best.line, w)) textRanges.push([best.at + i, best.at + i + w.length])
  for (const [s, e] of textRanges) terms[d.x.slice(s, e)] = true
  for (const [s, e] of titleRanges) terms[d.t.slice(s, e)] = true
  const tier = found === words.length ? ALL_WORDS : MOST_WORDS
  return { score: tier + 100 * found + 50 * inTitle.length + ROLE_SCORE[d.role], textRanges, titleRanges, terms }
}

/* The content words of what was typed: each run of characters cut into the longest words the index
   knows (jieba's words of the pages, "w:" terms), question words and particles dropped */
async function contentWords(typed) {
  const words = []
  for (const token of typed) {
    const runs = (fold(token).match(SEGMENT) || []).flatMap(run => run.split(STOP_SPLIT))
      .flatMap(run => run.match(new RegExp(`.{1,${CHUNK_MAX}}`, "g")) || [])
    for (const run of runs) {
      if (!/[^a-z0-9]/.test(run)) { words.push(run); continue }
      const known = new Set()
      const pieces = []
      for (let i = 0; i < run.length; i++)
        for (let n = 2; n <= WORD_MAX && i + n <= run.length; n++) pieces.push(run.slice(i, i + n))
      const found = await Promise.all(pieces.map(w => lookup("w:" + w)))
      pieces.forEach((w, i) => { if (Array.isArray(found[i])) known.add(w) })
      // One typed phrase that few pages hold: look for its parts. Several typed words stay whole.
      if (typed.length === 1 && run.length > 2) known.delete(fold(token))
      const cut = []
      let unknown = ""
      const flush = () => { if (unknown) cut.push(unknown); unknown = "" }
      for (let i = 0; i < run.length;) {
        let n = Math.min(WORD_MAX, run.length - i)
        while (n >= 2 && !known.has(run.slice(i, i + n))) n--
        if (n >= 2) { flush(); cut.push(run.slice(i, i + n)); i += n }
        else unknown += run[i++]
      }
      flush()
      // A single character left over is no word to look for (机 would match any 机器 …)
      words.push(...cut.filter(w => w.length > 1))
    }
  }
  return [...new Set(words.filter(w => !STOP_WORDS.has(w) && ![...w].every(c => STOP_CHARS.has(c))))]
}

/* Suggestions: the themes and kinds of record the words name */
function suggestionsFor(words) {
  return (meta.sg || []).filter(s => words.some(w => s.w.includes(w)))
}

async function search(query, post) {
  const typed = query.trim().split(/[\s,，、;；:："“”'‘’「」『』()（）？?！!。]+/).filter(Boolean)
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
  if (!tokens.length) return { items: [] }
  const ranked = [...(candidates || [])].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id]) => id)

  /* Check the best candidates' texts for the phrases themselves; fetch more only if some fail.
     The first FIRST results go out at once; the rest follow in a second, longer answer. */
  const hits = []
  const seen = new Set()
  const sent = []
  let suggestions = suggestionsFor(typed.map(fold))
  const answer = () => ({ items: grouped(hits, sent, suggestions, fold(query.trim())) })
  const check = async (ids, test) => {
    const docs = await Promise.all(ids.map(doc))
    docs.forEach((d, i) => {
      seen.add(ids[i])
      const match = d && test({ ...d, role: role(ids[i]) })
      if (match) hits.push({ d: { ...d, role: role(ids[i]) }, match, rank: hits.length })
    })
  }
  for (let i = 0; i < ranked.length && i < MAX_CHECKED && hits.length < MAX_RESULTS;) {
    const want = (hits.length < FIRST ? FIRST : MAX_RESULTS) - hits.length
    const ids = ranked.slice(i, i + want)
    i += ids.length
    await check(ids, d => verify(d, tokens))
    if (!sent.length && hits.length >= FIRST && i < ranked.length) {
      if (!post(answer())) return null
    }
  }
  if (hits.length >= FIRST) return answer()

  /* Few pages hold the phrase: pages holding its content words in one passage, below them */
  if (hits.length && !post(answer())) return null
  const words = await contentWords(typed)
  if (!words.length) return answer()
  suggestions = suggestions.length ? suggestions : suggestionsFor(words)
  const need = words.length === 1 ? 1 : Math.floor(words.length / 2) + 1
  const perWord = await Promise.all(words.map(w => phraseTerms(w).length ? phraseCandidates(w) : new Map()))
  const counts = new Map()
  perWord.forEach(matches => { for (const [id, score] of matches) {
    const [n, s] = counts.get(id) || [0, 0]
    counts.set(id, [n + 1, s + score])
  } })
  const more = [...counts].filter(([id, [n]]) => n >= need && !seen.has(id))
    .sort((a, b) => b[1][0] - a[1][0] || b[1][1] - a[1][1] || a[0] - b[0]).map(([id]) => id)
  for (let i = 0; i < more.length && i < MAX_CHECKED && hits.length < MAX_RESULTS;) {
    const ids = more.slice(i, i + (hits.length < FIRST ? FIRST : MAX_RESULTS - hits.length))
    i += ids.length
    await check(ids, d => verifyWords(d, words, need))
  }
  return answer()
}

function byScore(a, b) {
  return b.match.score - a.match.score || a.rank - b.rank
}

/* One result per record: its own page first, the pages that belong to it (training plan, card) under it.
   Results already shown keep their places; suggestions come after the first SUGGEST_AT, or first when
   the query is exactly what they are called. */
function grouped(hits, sent, suggestions, query) {
  const groups = new Map()
  for (const hit of hits.slice().sort(byScore)) {
    const key = hit.d.r || hit.d.l
    if (!groups.has(key)) groups.set(key, [])
    groups.get(key).push(hit)
  }
  for (const members of groups.values()) {
    const own = members.findIndex(h => h.d.role === RECORD)
    if (own > 0) members.unshift(...members.splice(own, 1))
  }
  const order = [...sent.filter(key => groups.has(key)),
    ...[...groups.keys()].filter(key => !sent.includes(key))]
  sent.splice(0, sent.length, ...order)
  const items = order.map(key => groups.get(key).map(item))
  const at = location => items.findIndex(i => i[0].location === location)
  const suggestion = s => [{ location: s.l, title: escapeHTML(s.t), text: escapeHTML(s.x), score: 0, terms: {} }]
  const named = suggestions.filter(s => s.n.includes(query))  // the query is the theme's or the list's own name
  const others = suggestions.filter(s => !named.includes(s) && at(s.l) < 0)
  items.splice(Math.min(SUGGEST_AT, items.length), 0, ...others.map(suggestion))
  for (const s of named.reverse()) {
    const found = at(s.l)
    items.unshift(found < 0 ? suggestion(s) : items.splice(found, 1)[0])
  }
  return items
}

function item({ d, match }) {
  return {
    location: d.l,
    title: mark(d.t, match.titleRanges),
    text: snippet(d, match.textRanges),
    score: match.score,
    terms: match.terms
  }
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
