/*
 * The knowledge base's search engine, in a Web Worker the page starts when a reader opens search
 * (docs/javascripts/kb-search.js). The build writes it as search/kb/worker.js with the index's
 * metadata in front (self.KB_META, see macros/search_index.py), and it reads the index beside it.
 *
 * Messages: the page sends {type: "query", id, q}; the worker answers {type: "answer", id, items,
 * done}, first from the shards and the result cards alone (no page text), then, done, once the
 * page texts have confirmed each phrase and given the passages that match. The texts are fetched
 * only after the page says {type: "shown", id}: they never compete with the first answer. Results already shown
 * keep their places in the later answer. Items carry text as runs [plain, marked, plain, …]: the
 * page writes them with textContent, never as HTML.
 *
 * Ranking, best first: pages holding the whole phrase (a name or alias in the title above body
 * text, a record's own page above the pages that mention it); when fewer than FIRST pages do,
 * pages holding the query's content words in one passage, all of them, then more than half of
 * their weight (a word few pages hold weighs more).
 * Synonyms (data/search-synonyms.yml) count as the word typed. One result per record: a method's
 * training plan and card, a site's visit sheet, come under it. Themes and kinds of record the
 * query names are offered after the first three results; when a query finds little, the themes
 * of what it found too.
 */
"use strict"

const TITLE_FLAG = 64
const FIRST = 6             // results of the first answer
const FIRST_CARDS = 8       // candidates whose cards the first answer reads (records' own pages first)
// Files the first answer may download besides worker.js: a phone pays 400 ms or more for each. The shards
// of the most telling terms come first (the whole phrase's, then trigrams that cover it); a term whose
// shard is left out says nothing, and the complete answer looks everything up again without the limit.
const FIRST_SHARDS = 6
const FIRST_CARD_FILES = 3
const MAX_RESULTS = 50      // results of the complete answer
const MAX_CHECKED = 150     // candidates checked at most
const SNIPPET = 36          // characters of context either side of a match
const OTHER = 0, RECORD = 1, PART = 2  // what a page is (macros/search_index.py: ranked_pages)
const PHRASE = 3000, ALL_WORDS = 2000, MOST_WORDS = 1000  // tiers: the whole phrase, then scattered words
const SUGGEST_AT = 3        // suggestions come after this many results
const FEW = 3               // a query with fewer results than this is also offered the themes of what it found
const THEMES_OFFERED = 3
const WORD_MAX = 4          // longest word looked up when cutting a query into words
const PASSAGE = 9           // characters from which a typed run is a pasted sentence, read like a question
const CHUNK_MAX = 10        // runs are cut into words this long at most at a time (look-ups grow with it)
// Question words and particles: not what a page is about (怎么办, 如何, 的 …). Question words also cut
// a typed phrase; the other words are dropped only once cut out.
const QUESTION_WORDS = ["怎么办", "怎么样", "怎么", "怎样", "如何", "什么", "在哪里", "在哪儿", "在哪", "哪些", "哪里",
  "哪儿", "哪个", "为什么", "是否", "有没有", "能不能"]
const STOP_WORDS = new Set([...QUESTION_WORDS, "可以", "应该", "需要", "问题", "方法", "办法"])
const STOP_SPLIT = new RegExp(QUESTION_WORDS.join("|"), "g")
const STOP_CHARS = new Set([..."的地得了吗呢吧啊呀么和与及或在是有把被给对让要想去做搞办怎何哪些如啥咋谁个"])
const SEPARATORS = /[^\p{L}\p{N}]+/u  // spaces and every punctuation mark: pasted text is words apart

const CJK = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff"
const UNIT = new RegExp(`[${CJK}]|[a-z0-9]+`, "g")
const SEGMENT = new RegExp(`(?:[${CJK}]|[a-z0-9])+`, "g")
const LATIN = /^[a-z]+$/

const meta = self.KB_META
const base = new URL("./", self.location.href)
const foldMap = new Map()
for (let i = 0; i + 1 < meta.fold.length; i += 2) foldMap.set(meta.fold[i], meta.fold[i + 1])
const shardCache = new Map()
const cardCache = new Map()
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

/* The shard of a term: by its first two units (macros/search_index.py shard_key) */
function shardKey(term) {
  const body = term.replace(/^[wapy]:/, "")
  return (body.match(UNIT) || []).slice(0, 2).join("") || body
}

function shardOf(term) {
  return hash(shardKey(term)) % meta.shards
}

async function getJSON(path) {
  const response = await fetch(new URL(path, base))
  if (!response.ok) throw new Error(`${path}: ${response.status}`)
  return response.json()
}

function shard(number) {
  if (!shardCache.has(number))
    shardCache.set(number, getJSON(`s/${number}.json`).catch(() => ({})))
  return shardCache.get(number)
}

/* The first answer's allowance of shards (FIRST_SHARDS), or null while the complete answer is sought */
let allowance = null

/* Whether a shard may be read now; one left out marks the allowance, so the complete answer looks again */
function admitted(number) {
  if (!allowance || shardCache.has(number)) return true
  if (allowance.left === 0) { allowance.skipped = true; return false }
  allowance.left--
  return true
}

const UNREAD = Symbol("term in a shard the first answer leaves out")

async function lookup(term) {
  const number = shardOf(term)
  if (!admitted(number)) return UNREAD
  return (await shard(number))[term]
}

/* The units where the terms to look up of a folded segment begin: its covering trigrams (phraseTerms),
   so a long name needs a shard per three characters, not per two */
function coveringStarts(count) {
  if (count < 3) return [0]
  const starts = []
  for (let i = 0; i + 3 < count; i += 3) starts.push(i)
  starts.push(count - 3)
  return starts
}

/* The shards a folded phrase's terms are in, asked for at once, in the order the terms are looked up */
function prefetch(phrase) {
  for (const segment of phrase.match(SEGMENT) || []) {
    const units = segment.match(UNIT)
    for (const i of coveringStarts(units.length)) {
      const number = hash(units.slice(i, i + 2).join("")) % meta.shards
      if (admitted(number)) shard(number)
    }
  }
}

function role(id) {
  return id < (meta.own || 0) ? RECORD : id < (meta.part || 0) ? PART : OTHER
}

/* What a result shows before its text: title, kind, summary, level, themes, record, aliases */
function card(id) {
  const file = Math.floor(id / meta.cards)
  if (!cardCache.has(file)) cardCache.set(file, getJSON(`i/${file}.json`).catch(() => []))
  return cardCache.get(file).then(cards => {
    const c = cards[id - file * meta.cards]
    return c ? { ...c, id, role: role(id), ft: fold(c.t) } : null
  })
}

function doc(id) {
  if (!docCache.has(id))
    docCache.set(id, Promise.all([getJSON(`d/${id}.json`), card(id)])
      .then(([d, c]) => c && ({ ...c, x: d.x, fx: fold(d.x) }), () => null))
  return docCache.get(id)
}

/* Postings [deltas, weights(, capped)] → Map(doc → weight), with .capped when the build kept only
   the documents the term weighs most in (a document's absence then says nothing), and .unread for a
   term the first answer did not read (it says nothing at all) */
function decode(entry) {
  const map = new Map()
  if (entry === UNREAD) { map.capped = map.unread = true; return map }
  if (!Array.isArray(entry) || !Array.isArray(entry[0])) return map
  let id = 0
  entry[0].forEach((delta, i) => { id += delta; map.set(id, entry[1][i]) })
  map.capped = entry[2] === 1
  return map
}

/* The index's terms of a folded phrase: trigrams that cover it (a page with them all nearly always has
   the phrase; the page's text is checked anyway), its bigram, or its one unit */
function phraseTerms(folded) {
  const terms = new Set()
  for (const segment of folded.match(SEGMENT) || []) {
    const units = segment.match(UNIT)
    const n = Math.min(units.length, 3)
    for (const i of coveringStarts(units.length)) terms.add(units.slice(i, i + n).join(""))
  }
  return [...terms]
}

const PRIOR = { [RECORD]: 60, [PART]: 10, [OTHER]: 0 }

/* Candidate pages of one phrase: every term present; score ≈ rarest term's frequency. Each
   candidate's count is the fewest times a term of the phrase occurs on it (its occurrences, nearly). */
const candidateCache = new Map()
function phraseCandidates(phrase) {
  if (!candidateCache.has(phrase)) candidateCache.set(phrase, findCandidates(phrase))
  return candidateCache.get(phrase)
}

async function findCandidates(phrase) {
  const terms = phraseTerms(phrase)
  const result = new Map()
  if (!terms.length) return result
  const [words, ...read] = (await Promise.all(["w:" + phrase, ...terms].map(lookup))).map(decode)
  const lists = read.filter(list => !list.unread)
  result.unread = !lists.length && read.length > 0  // nothing read: says nothing of any page
  if (!lists.length) return result
  const complete = lists.filter(list => !list.capped).sort((a, b) => a.size - b.size)
  const first = complete[0] || lists.slice().sort((a, b) => a.size - b.size)[0]
  for (const [id] of first) {
    let count = Infinity, title = true, ok = true
    for (const list of lists) {
      const w = list.get(id)
      if (w === undefined) {
        if (list.capped) continue
        ok = false; break
      }
      count = Math.min(count, w % TITLE_FLAG)
      title = title && w >= TITLE_FLAG
    }
    if (!ok) continue
    count = count === Infinity ? 1 : count
    result.set(id, { score: count + (title ? 100 : 0) + PRIOR[role(id)] + (words.has(id) ? 20 + words.get(id) : 0), count })
  }
  return result
}

/* The synonyms of a folded word (itself included), from data/search-synonyms.yml */
const synonymsOf = new Map()
for (const group of meta.syn || []) for (const word of group) synonymsOf.set(word, group)

/* Pages holding a synonym word or any other of its group: the build's "y:" term of the word, in the
   shard the word's own terms are in (no download of the other words' shards) */
const groupCache = new Map()
function groupCandidates(word) {
  if (!groupCache.has(word)) groupCache.set(word, lookup("y:" + word).then(entry => {
    const result = new Map()
    result.unread = entry === UNREAD
    for (const [id, weight] of decode(entry)) result.set(id, { score: weight + PRIOR[role(id)], count: weight })
    return result
  }))
  return groupCache.get(word)
}

/* Pages holding a content word: itself, or for a synonym, any word of its group */
function wordCandidates(word) {
  return synonymsOf.has(word) ? groupCandidates(word) : phraseCandidates(word)
}

/* What one typed token may stand for: itself, its synonyms, the names its pinyin spells, the names its
   alias stands for. Its own terms are asked for at the same time, so their shards load in parallel. */
async function alternatives(token) {
  const phrase = fold(token)
  const keys = ["a:" + phrase]
  if (LATIN.test(phrase) && phrase.length >= 2) keys.push("p:" + phrase)
  const phrases = new Map([[phrase, phraseCandidates(phrase)]])
  for (const other of synonymsOf.get(phrase) || []) if (other !== phrase) phrases.set(other, groupCandidates(phrase))
  for (const names of await Promise.all(keys.map(lookup)))
    if (Array.isArray(names))
      for (const name of names.map(fold))
        if (!phrases.has(name)) { prefetch(name); phrases.set(name, phraseCandidates(name)) }
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

/* Text as runs [plain, marked, plain, …] with the [start, end) ranges marked */
function runs(text, ranges) {
  ranges = ranges.slice().sort((a, b) => a[0] - b[0])
  const out = []
  let at = 0
  for (const [start, end] of ranges) {
    if (start < at) continue
    out.push(text.slice(at, start), text.slice(start, end))
    at = end
  }
  out.push(text.slice(at))
  return out
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
  const parts = runs(d.x.slice(start, end).replace(/\n/g, " "), inside)
  if (start > lineStart) parts[0] = "…" + parts[0]
  if (end < d.x.length) parts[parts.length - 1] += "…"
  return parts
}

/* Ranges of any of the phrases in a folded text */
function rangesOf(foldedText, phrases) {
  const ranges = []
  for (const phrase of phrases) for (const at of occurrences(foldedText, phrase)) ranges.push([at, at + phrase.length])
  return ranges
}

/* How well a page's title and aliases answer a phrase */
function nameScore(d, phrase) {
  const title = d.ft.replace(/[“”"‘’'《》（）()·、，\s]/g, "")
  if (title === phrase || (d.a || []).some(a => fold(a) === phrase)) return 800
  if (d.ft.includes(phrase) || (d.a || []).some(a => fold(a).includes(phrase))) return 300
  return 0
}

const ROLE_SCORE = { [RECORD]: 200, [PART]: 50, [OTHER]: 0 }

/* A card against every token as a phrase, before its text is here: the phrase score from the title,
   the aliases and the postings' counts (the complete answer counts the text itself) */
function estimate(c, tokens, counts) {
  let score = PHRASE + ROLE_SCORE[c.role]
  for (const phrases of tokens) {
    let best = -1
    for (const phrase of phrases) {
      const count = counts.get(phrase)?.get(c.id)?.count
      const inTitle = occurrences(c.ft, phrase).length > 0
      if (count === undefined && !inTitle) continue
      const s = nameScore(c, phrase) + Math.min(count || 0, 20) + (phrase === phrases[0] ? 3 : 0)
      best = Math.max(best, s)
    }
    if (best < 0) return null
    score += best
  }
  return { score, titleRanges: rangesOf(c.ft, tokens.flat()), textRanges: [] }
}

/* A fetched page against every token as a phrase: score and matched ranges, or null */
function verify(d, tokens) {
  let score = PHRASE + ROLE_SCORE[d.role]
  const textRanges = [], titleRanges = []
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
  }
  return { score, textRanges, titleRanges }
}

/* Content words: each a list of the folded spellings that count as it (the word and its synonyms) */
function spellings(word) {
  return synonymsOf.get(word) || [word]
}

/* Whether the content words a page holds answer: more than half of them, or, for a question, more
   than half of their weight; a word weighs as much as few other pages hold it, 邻里纠纷 (two pages)
   more than 化解 (sixteen), so a question is answered by what it is about, not by its verbs. Names
   typed together stay a pair (殷金凤刘旭清: both, not the rarer one). */
function enough(words, held, weight) {
  return words.relaxed || held.length * 2 > words.list.length || (words.question && weight * 2 > words.total)
}

function wordsScore(words, held, inTitle, role) {
  const weight = held.reduce((sum, w) => sum + words.weight.get(w), 0)
  if (!held.length || !enough(words, held, weight)) return null
  const tier = held.length === words.list.length ? ALL_WORDS : MOST_WORDS
  return tier + Math.round(500 * weight / words.total) + 50 * inTitle.length + ROLE_SCORE[role]
}

/* A card against the content words, before its text: the words the page has anywhere */
function estimateWords(c, words) {
  const inTitle = words.list.filter(w => spellings(w).some(s => occurrences(c.ft, s).length))
  const held = words.list.filter(w => inTitle.includes(w) || words.pages.get(w).has(c.id))
  const score = wordsScore(words, held, inTitle, c.role)
  return score === null ? null : { score, titleRanges: rangesOf(c.ft, words.list.flatMap(spellings)), textRanges: [] }
}

/* A fetched page against the content words: the passage (a line of its text, with the title) holding
   the most weight of them, if it holds enough; scored below every phrase match */
function verifyWords(d, words) {
  const has = (text, w) => spellings(w).some(s => occurrences(text, s).length)
  const weightOf = list => list.reduce((sum, w) => sum + words.weight.get(w), 0)
  const inTitle = words.list.filter(w => has(d.ft, w))
  let best = null, at = 0
  for (const line of d.fx.split("\n")) {
    const here = words.list.filter(w => !inTitle.includes(w) && has(line, w))
    if (!best || weightOf(here) > weightOf(best.here)) best = { here, at, line }
    at += line.length + 1
  }
  const score = wordsScore(words, [...inTitle, ...(best ? best.here : [])], inTitle, d.role)
  if (score === null) return null
  const titleRanges = rangesOf(d.ft, inTitle.flatMap(spellings))
  const textRanges = best ? rangesOf(best.line, best.here.flatMap(spellings)).map(([s, e]) => [best.at + s, best.at + e]) : []
  return { score, textRanges, titleRanges }
}

/* The content words of what was typed: each run of characters cut into the longest words the index
   knows (jieba's words of the pages, "w:" terms, or a synonym), question words and particles dropped */
async function contentWords(typed) {
  const words = []
  for (const token of typed) {
    const pieces = (fold(token).match(SEGMENT) || []).flatMap(run => run.split(STOP_SPLIT))
      .flatMap(run => run.match(new RegExp(`.{1,${CHUNK_MAX}}`, "g")) || [])
    for (const run of pieces) {
      if (!/[^a-z0-9]/.test(run)) { words.push(run); continue }
      const known = new Set()
      const unread = new Set()  // where the words beginning are not known yet (the first answer's shards)
      const candidates = []
      for (let i = 0; i < run.length; i++)
        for (let n = 2; n <= WORD_MAX && i + n <= run.length; n++) candidates.push([i, run.slice(i, i + n)])
      const found = await Promise.all(candidates.map(([, w]) => lookup("w:" + w)))
      candidates.forEach(([at, w], i) => {
        if (Array.isArray(found[i]) || synonymsOf.has(w)) known.add(w)
        else if (found[i] === UNREAD) unread.add(at)
      })
      // One typed phrase that few pages hold: look for its parts. Several typed words stay whole.
      if (typed.length === 1 && run.length > 2) known.delete(fold(token))
      const cut = []
      let unknown = "", unsure = false  // a stretch of no known word, and whether it may hold unread ones
      const flush = () => { if (unknown && !unsure) cut.push(unknown); unknown = ""; unsure = false }
      for (let i = 0; i < run.length;) {
        let n = Math.min(WORD_MAX, run.length - i)
        while (n >= 2 && !known.has(run.slice(i, i + n))) n--
        if (n >= 2) { flush(); cut.push(run.slice(i, i + n)); i += n }
        else { unsure = unsure || unread.has(i); unknown += run[i++] }
      }
      flush()
      // A single character left over is no word to look for (机 would match any 机器 …)
      words.push(...cut.filter(w => w.length > 1))
    }
  }
  return [...new Set(words.filter(w => !STOP_WORDS.has(w) && ![...w].every(c => STOP_CHARS.has(c))))]
}

/* Suggestions: the themes and kinds of record the words (or their synonyms) name */
function suggestionsFor(words) {
  const all = words.flatMap(spellings)
  return (meta.sg || []).filter(s => all.some(w => s.w.includes(w)))
}

/* The themes most of the found records have, as suggestions */
function themesOf(hits) {
  const counts = new Map()
  for (const { d } of hits) for (const theme of d.h || []) counts.set(theme, (counts.get(theme) || 0) + 1)
  const named = [...counts].sort((a, b) => b[1] - a[1]).slice(0, THEMES_OFFERED).map(([theme]) => fold(theme))
  return (meta.sg || []).filter(s => s.l.startsWith("tags/") && s.n.some(n => named.includes(n)))
}

/* The typed words, each cut at question words into the phrases to find (物业矛盾怎么办 → 物业矛盾), and
   whether it is a question: it has a question word, or a run as long as a sentence (pasted text) */
function parse(query) {
  const typed = query.trim().split(SEPARATORS).filter(Boolean)
  const phrases = []
  for (const word of typed)
    for (const part of fold(word).split(STOP_SPLIT))
      if (part && !STOP_WORDS.has(part) && ![...part].every(c => STOP_CHARS.has(c))) phrases.push(part)
  const question = typed.some(word => fold(word).split(STOP_SPLIT).length > 1 || word.length >= PASSAGE)
  return { typed, phrases: phrases.length ? phrases : typed, question }
}

/* How many records' own pages the hits hold: lists and hubs do not answer a question */
function records(hits) {
  return new Set(hits.filter(hit => hit.d.role === RECORD).map(hit => hit.d.r)).size
}

/* The candidates whose cards the first answer reads: records' own pages (the first files of cards),
   other pages only when fewer than FIRST records are candidates */
function firstCandidates(ids, room) {
  const own = ids.filter(id => role(id) === RECORD)
  const picked = own.length >= FIRST ? own : [...own, ...ids.filter(id => role(id) !== RECORD)]
  return picked.slice(0, Math.max(0, room))
}

/* The ids, in order, whose cards are in the first FIRST_CARD_FILES files met (`files`, shared by calls) */
function inFirstCardFiles(ids, files) {
  return ids.filter(id => {
    const file = Math.floor(id / meta.cards)
    if (files.size < FIRST_CARD_FILES) files.add(file)
    return files.has(file)
  })
}

const STALE = new Error("a newer query is on its way")

/* What the shards say of a query: the phrase candidates, best first, and the content words with the
   pages holding them; null when nothing typed can be looked up */
async function gather(query) {
  const { typed, phrases, question } = parse(query)
  if (!typed.length) return null
  for (const phrase of phrases) prefetch(fold(phrase))
  const found = await Promise.all(phrases.map(alternatives))

  /* Candidates: pages having every token (any of its phrases), best first */
  let candidates = null
  const tokens = []
  const counts = new Map()
  for (const alternativesOfToken of found) {
    const union = new Map()
    const usable = [...alternativesOfToken.keys()].filter(p => phraseTerms(p).length)
    if (!usable.length) continue
    tokens.push(usable)
    const matches = await Promise.all(usable.map(p => alternativesOfToken.get(p)))
    usable.forEach((p, i) => counts.set(p, matches[i]))
    for (const match of matches)
      for (const [id, { score }] of match) union.set(id, Math.max(union.get(id) || 0, score))
    if (candidates === null) candidates = union
    else {
      const both = new Map()
      for (const [id, score] of union) if (candidates.has(id)) both.set(id, candidates.get(id) + score)
      candidates = both
    }
  }
  if (!tokens.length) return null
  const ranked = [...(candidates || [])].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id]) => id)
  let suggestions = suggestionsFor(typed.map(fold))

  /* The content words, from the shards already here: they name the themes to suggest, and when few
     pages hold the phrase, the pages holding the words answer below them. For a question or one typed
     run the first answer shows the pages holding them anywhere, "being checked"; for words typed apart
     only pages holding a word of each, and the passages decide (服务中心 象霞 is no answer when no passage
     has both). */
  const words = { list: [], pages: new Map(), weight: new Map(), total: 0, question, relaxed: false }
  let more = []
  const wordsTier = async () => {
    words.list = await contentWords(typed)
    if (!words.list.length) return
    suggestions = suggestions.length ? suggestions : suggestionsFor(words.list)
    const read = await Promise.all(words.list.map(async w => {
      const union = new Map()
      const found = await wordCandidates(w)
      for (const [id, { score }] of found) union.set(id, score)
      return [w, union, found.unread]
    }))
    // A word the first answer did not read says nothing yet: the complete answer has it
    const known = read.filter(([, , unread]) => !unread)
    words.list = known.map(([w]) => w)
    const lists = known.map(([, union]) => union)
    if (!words.list.length) return
    words.list.forEach((w, i) => {
      words.pages.set(w, lists[i])
      words.weight.set(w, Math.log((meta.docs + 1) / (lists[i].size + 1)) + 0.1)
    })
    words.total = [...words.weight.values()].reduce((a, b) => a + b, 0)
    const tally = new Map()
    words.list.forEach((w, i) => { for (const [id, score] of lists[i]) {
      const [held, weight, s] = tally.get(id) || [[], 0, 0]
      tally.set(id, [[...held, w], weight + words.weight.get(w), s + score])
    } })
    const phraseIds = new Set(ranked)
    const holding = () => [...tally].filter(([id, [held, weight]]) => enough(words, held, weight) && !phraseIds.has(id))
      .sort((a, b) => b[1][1] - a[1][1] || b[1][2] - a[1][2] || a[0] - b[0]).map(([id]) => id)
    more = holding()
    // A question that finds almost nothing (新书记怎么快速上手): pages with any of its words, so that
    // the themes of what they are about can be offered.
    if (question && ranked.length + more.length < FEW) {
      words.relaxed = true
      more = holding()
    }
  }
  await wordsTier()
  return { typed, question, tokens, counts, ranked, suggestions, words, more }
}

/* gather() within the first answer's allowance of shards (also whether it left any out) */
async function gatherFirst(query) {
  const mine = allowance = { left: FIRST_SHARDS, skipped: false }
  try {
    return { found: await gather(query), skipped: mine.skipped }
  } finally {
    if (allowance === mine) allowance = null
    // What was found without every term must not answer a later query from the caches
    if (mine.skipped) forgetCandidates()
  }
}

function forgetCandidates() {
  candidateCache.clear()
  groupCache.clear()
}

async function search(query, post, shown) {
  const first = await gatherFirst(query)
  let found = first.found
  if (!found) return { items: [], done: true }
  const { typed, question } = found
  let { tokens, counts, ranked, words, more, suggestions } = found
  const sent = []
  const answer = (hits, done, marks) => ({ items: grouped(hits, sent, suggestions, fold(query.trim()), marks), done })

  /* The first answer: the best candidates' cards, no page text */
  // Words typed apart: the pages holding a word of each, until the passages are checked
  const earlyWords = question || typed.length === 1 ? more
    : more.filter(id => typed.every(t => {
      const mine = words.list.filter(w => fold(t).includes(w))
      return !mine.length || mine.some(w => words.pages.get(w).has(id))
    }))
  const files = new Set()
  const phraseIds = inFirstCardFiles(firstCandidates(ranked, FIRST_CARDS), files)
  const firstIds = [...phraseIds, ...inFirstCardFiles(firstCandidates(earlyWords, FIRST_CARDS - phraseIds.length), files)]
  const cards = await Promise.all(firstIds.map(card))
  const early = []
  cards.forEach((c, i) => {
    if (!c) return
    const match = i < phraseIds.length ? estimate(c, tokens, counts) : estimateWords(c, words)
    if (match) early.push({ d: c, match, rank: early.length })
  })
  if (early.length) {
    if (records(early) < FEW) suggestions = [...suggestions, ...themesOf(early).filter(s => !suggestions.includes(s))]
    if (!post(answer(early, false, [...tokens.flat(), ...words.list.flatMap(spellings)]))) return null
    // The page texts wait until the first answer is on the screen: they never delay it
    if (!await shown()) return null
  }
  if (first.skipped) {  // the terms the first answer left out, read now: what the shards say in full
    found = await gather(query)
    if (!found) return { items: [], done: true }
    ;({ tokens, counts, ranked, words, more, suggestions } = found)
  }

  /* The complete answer: each candidate's text checked for the phrases themselves (or the words in one
     passage), the passage that matches shown */
  const hits = []
  const seen = new Set()
  const check = async (ids, test) => {
    const docs = await Promise.all(ids.map(doc))
    docs.forEach((d, i) => {
      seen.add(ids[i])
      const match = d && test(d)
      if (match) hits.push({ d, match, rank: hits.length })
    })
    // Nothing shown yet (no first answer from the cards): the first pages confirmed go out at once
    if (!sent.length && hits.length && !post(answer(hits, false, null))) throw STALE
  }
  for (let i = 0; i < ranked.length && i < MAX_CHECKED && hits.length < MAX_RESULTS;) {
    const ids = ranked.slice(i, i + (hits.length < FIRST ? FIRST : MAX_RESULTS - hits.length))
    i += ids.length
    await check(ids, d => verify(d, tokens))
  }
  if (hits.length < FIRST && words.list.length) {
    const rest = more.filter(id => !seen.has(id))
    for (let i = 0; i < rest.length && i < MAX_CHECKED && hits.length < MAX_RESULTS;) {
      const ids = rest.slice(i, i + (hits.length < FIRST ? FIRST : MAX_RESULTS - hits.length))
      i += ids.length
      await check(ids, d => verifyWords(d, words))
    }
  }
  if (hits.length && records(hits) < FEW) suggestions = [...suggestions, ...themesOf(hits).filter(s => !suggestions.includes(s))]
  return answer(hits, true, null)
}

function byScore(a, b) {
  return b.match.score - a.match.score || a.rank - b.rank
}

/* One result per record: its own page first, the pages that belong to it (training plan, card, visit
   sheet) under it. Results already shown keep their places; suggestions come after the first
   SUGGEST_AT, or first when the query is exactly what they are called. `marks`: the phrases to mark
   in the card's summary, shown while there is no passage yet (the first answer). */
function grouped(hits, sent, suggestions, query, marks) {
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
  const items = order.map(key => item(groups.get(key), marks))
  const at = location => items.findIndex(i => i.l === location)
  const suggestion = s => ({ l: s.l, t: [s.t], g: s.l.startsWith("tags/") ? "theme" : "list", s: [s.x], parts: [] })
  // The query is the theme's or the list's own name, or a word naming a kind of record (示范点, 导师)
  const named = suggestions.filter(s => s.n.includes(query) || (!s.l.startsWith("tags/") && s.w.includes(query)))
  const others = suggestions.filter(s => !named.includes(s) && at(s.l) < 0)
  items.splice(Math.min(SUGGEST_AT, items.length), 0, ...others.map(suggestion))
  for (const s of named.reverse()) {
    const found = at(s.l)
    items.unshift(found < 0 ? suggestion(s) : items.splice(found, 1)[0])
  }
  return items
}

function item(members, marks) {
  const [{ d, match }, ...rest] = members
  return {
    l: d.l,
    t: runs(d.t, match.titleRanges),
    k: d.k || "",
    v: d.v || "",
    s: marks ? runs(d.s || "", rangesOf(fold(d.s || ""), marks)) : snippet(d, match.textRanges),
    parts: rest.map(({ d: part }) => ({ l: part.l, t: part.t }))
  }
}

let latest = 0
const waiting = new Map()  // query id → resolve, once the page has shown its first answer

addEventListener("message", async ev => {
  const message = ev.data
  if (message && message.type === "shown") {
    waiting.get(message.id)?.(true)
    waiting.delete(message.id)
    return
  }
  if (!message || message.type !== "query") return
  for (const resolve of waiting.values()) resolve(false)  // earlier queries stop
  waiting.clear()
  const mine = latest = message.id
  const post = data => {  // false once a newer query is on its way
    if (mine === latest) postMessage({ type: "answer", id: mine, ...data })
    return mine === latest
  }
  const shown = () => new Promise(resolve => waiting.set(mine, resolve))
  try {
    const data = await search(String(message.q || ""), post, shown)
    if (data) post(data)
  } catch (err) {
    if (err === STALE) return
    console.warn("search failed", err)
    post({ items: [], done: true })
  }
})
