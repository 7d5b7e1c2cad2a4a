/* Session builder (training/session.md): chains the parts of several methods and site visits
   into one timed plan, from training/session.json written by the build (macros/training.py).
   Every string from the data reaches the page through textContent or setAttribute, never as markup.
   The choices live in the query string (?methods=a,b&sites=c&minutes=120&format=案例复盘), so the
   address rebuilds the same plan. The plan is fitted as macros/training.py fit() fits a method's
   own plan: exercises and visits keep their stated time unless the plan names the cut, breaks
   from 90 minutes on, parts left out named. Every page of the print pack ends with a footer: the
   address of the page it stands for, its short link where it has one and that address's QR code,
   drawn with qrcode-generator (vendored from npm by kb_build/training_pages.py, loaded on this page
   only). Nothing is requested after the data file and that script. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  // Parts in the order of 红雁加油站's 四步闭环: look, retell, work it through; then the wrap-up.
  var STAGES = ["visit", "steps", "known", "case", "discussion", "exercise"];
  var cache = {};

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function sum(list) { return list.reduce(function (a, b) { return a + b; }, 0); }
  // Names no one misreads: each in 《》 (names themselves contain "、"), as macros/training.py names().
  function names(list) { return list.map(function (n) { return "《" + n + "》"; }).join(""); }

  function readChoices(data) {
    var query = new URLSearchParams(window.location.search);
    function ids(name, table) {
      return (query.get(name) || "").split(",").filter(function (id, i, all) {
        return Object.prototype.hasOwnProperty.call(table, id) && all.indexOf(id) === i;
      });
    }
    var minutes = Number(query.get("minutes"));
    var lengths = data.lengths.map(function (pair) { return pair[0]; });
    var format = query.get("format");
    var formats = data.formats.map(function (f) { return f.name; });
    return {
      methods: ids("methods", data.methods),
      sites: ids("sites", data.sites),
      minutes: lengths.indexOf(minutes) >= 0 ? minutes : 120,
      format: formats.indexOf(format) >= 0 ? format : data.lecture
    };
  }

  function queryOf(choices) {
    var query = new URLSearchParams();
    if (choices.methods.length) query.set("methods", choices.methods.join(","));
    if (choices.sites.length) query.set("sites", choices.sites.join(","));
    query.set("minutes", String(choices.minutes));
    query.set("format", choices.format);
    return "?" + query.toString().replace(/%2C/g, ",");
  }

  /* ---- fitting: the same rules, in the same order, as macros/training.py allocate() and fit() ---- */

  function allocate(weights, total, block) {
    var units = Math.floor(total / block);
    var whole = sum(weights);
    var shares = weights.map(function (w) { return w * units / whole; });
    var blocks = shares.map(function (s) { return Math.max(1, Math.floor(s)); });
    var order = weights.map(function (_, i) { return i; }).sort(function (a, b) {
      return (blocks[a] - shares[a]) - (blocks[b] - shares[b]) || a - b;
    });
    for (var i = 0; sum(blocks) < units; i++) blocks[order[i % blocks.length]] += 1;
    while (sum(blocks) > units) {
      var largest = 0;
      blocks.forEach(function (b, j) { if (b > blocks[largest]) largest = j; });
      blocks[largest] -= 1;
    }
    return blocks.map(function (b) { return b * block; });
  }

  function breaksFor(data, total) {
    return data.breaks_from.filter(function (length) { return total >= length; }).length;
  }

  function fitKept(data, parts, total, chosen) {
    var block = data.block, pause = data.break.minutes;
    var breaks = Math.min(breaksFor(data, total), parts.length - 1);
    var room = total - breaks * pause;
    var given = parts.map(function (p) { return p.fixed ? p.minutes : 0; });
    var flexible = [];
    parts.forEach(function (p, i) { if (!p.fixed) flexible.push(i); });
    var over = sum(given) + block * flexible.length - room;
    while (over > 0) {  // shorten the exercise with the most room above its least, one block at a time
      var best = -1;
      parts.forEach(function (p, i) {
        if (p.fixed && given[i] > p.least && (best < 0 || given[i] - p.least > given[best] - parts[best].least)) best = i;
      });
      if (best < 0) return null;
      given[best] -= block;
      over -= block;
    }
    var weights = flexible.map(function (i) {
      var p = parts[i];
      return p.minutes * (p.format === chosen && p.key !== "intro" && p.key !== "closing" ? 2 : 1);
    });
    allocate(weights, room - sum(given), block).forEach(function (m, j) { given[flexible[j]] = m; });
    var positions = [];
    for (var k = 1; k <= breaks; k++) {
      var target = k * total / (breaks + 1), chosenAt = -1, distance = Infinity;
      for (var b = (positions.length ? positions[positions.length - 1] : 0) + 1; b < parts.length; b++) {
        var d = Math.abs(sum(given.slice(0, b)) + pause * (k - 1) - target);
        if (d < distance) { distance = d; chosenAt = b; }
      }
      positions.push(chosenAt);
    }
    return {given: given, positions: positions};
  }

  function fit(data, parts, total, chosen) {
    var order = [];
    function add(test) { for (var i = parts.length - 1; i >= 0; i--) if (parts[i].optional && test(parts[i])) order.push(i); }
    add(function (p) { return !p.fixed; });
    add(function (p) { return p.key === "visit"; });
    add(function (p) { return p.fixed && p.key !== "visit"; });
    var dropped = [];
    for (;;) {
      var kept = parts.filter(function (_, i) { return dropped.indexOf(i) < 0; });
      var fitted = fitKept(data, kept, total, chosen);
      if (fitted) {
        var rows = [];
        kept.forEach(function (part, i) {
          if (fitted.positions.indexOf(i) >= 0) rows.push({part: data.break, minutes: data.break.minutes});
          rows.push({part: part, minutes: fitted.given[i]});
        });
        var cuts = [];
        kept.forEach(function (part, i) { if (part.fixed && fitted.given[i] < part.minutes) cuts.push({part: part, minutes: fitted.given[i]}); });
        return {rows: rows, cuts: cuts, dropped: dropped.slice().sort(function (a, b) { return a - b; }).map(function (i) { return parts[i]; })};
      }
      if (dropped.length === order.length) return null;
      dropped.push(order[dropped.length]);
    }
  }

  function lengthFor(data, parts) {
    for (var i = 0; i < data.lengths.length; i++) {
      var plan = fit(data, parts, data.lengths[i][0], "");
      if (plan && !plan.cuts.length && !plan.dropped.length) return data.lengths[i][0];
    }
    return null;
  }

  function tradeOffs(data, plan, parts) {
    var lines = plan.cuts.map(function (c) {
      return names([c.part.owner]) + c.part.name + "：写明约 " + c.part.minutes + " 分钟，这里排 " + c.minutes + " 分钟（缩短 " + (c.part.minutes - c.minutes) + " 分钟）";
    }).concat(plan.dropped.map(function (p) { return "没排进：" + names([p.owner]) + p.name + "（" + p.minutes + " 分钟）"; }));
    if (lines.length) {
      var whole = lengthFor(data, parts);
      lines.push(whole ? "要全部按写明的时间排，请选 " + whole + " 分钟的课" : "要全部按写明的时间排，请少选几个工作法或示范点，分两次上");
    }
    return lines;
  }

  function sessionParts(data, choices) {
    var methods = choices.methods.map(function (id) { return data.methods[id]; });
    var perMethod = methods.map(function (m) { return m.parts; });
    var visits = choices.sites.map(function (id) { return data.sites[id].part; });
    var parts = [];
    if (choices.format === data.lecture) {
      perMethod.forEach(function (list) { parts = parts.concat(list); });
      parts = parts.concat(visits);
    } else {
      parts = visits.slice();
      STAGES.slice(1).forEach(function (stage) {
        perMethod.forEach(function (list) {
          list.forEach(function (part) { if (part.key === stage) parts.push(part); });
        });
      });
    }
    var opening = Object.assign({}, data.opening, {what: data.opening_what[0] + names(methods.map(function (m) { return m.name; })) + data.opening_what[1]});
    return [opening].concat(parts, [data.closing]);
  }

  function preparation(data, choices, rows) {
    var items = {};
    data.prepare_headings.forEach(function (h) { items[h] = []; });
    choices.methods.forEach(function (id) { items["印发"] = items["印发"].concat(data.methods[id].copies); });
    var visited = rows.map(function (r) { return r.part; });
    choices.sites.forEach(function (id) {
      if (visited.indexOf(data.sites[id].part) >= 0) items["印发"] = items["印发"].concat(data.sites[id].copies);
    });
    rows.forEach(function (row) {
      row.part.prepare.forEach(function (pair) {
        if (items[pair[0]].indexOf(pair[1]) < 0) items[pair[0]].push(pair[1]);
      });
    });
    items["计时"] = [data.timekeeping];
    return data.prepare_headings.filter(function (h) { return items[h].length; }).map(function (h) { return [h, items[h]]; });
  }

  function clock(minute) {
    var h = Math.floor(minute / 60), m = minute % 60;
    return h + ":" + (m < 10 ? "0" : "") + m;
  }

  /* ---- the plan and the print pack ---- */

  function planTable(rows, several) {
    var wrap = el("div", null, "kb-agenda");
    var table = el("table", null, "kb-session-table");
    var head = table.createTHead().insertRow();
    ["时段", "环节", "做什么"].forEach(function (name) { head.appendChild(el("th", name)); });
    var body = table.createTBody();
    var start = 0;
    rows.forEach(function (row) {
      var tr = body.insertRow();
      tr.setAttribute("data-minutes", String(row.minutes));
      var when = el("td", null, "kb-agenda-time");
      when.appendChild(el("span", clock(start) + "–" + clock(start + row.minutes), "kb-nowrap"));
      when.appendChild(el("br"));
      when.appendChild(document.createTextNode(row.minutes + " 分钟"));
      tr.appendChild(when);
      tr.appendChild(el("td", row.part.name));
      tr.appendChild(el("td", (several && row.part.owner ? names([row.part.owner]) : "") + row.part.what));
      start += row.minutes;
    });
    var foot = table.createTFoot().insertRow();
    foot.appendChild(el("th", "合计"));
    var total = el("td", start + " 分钟", "kb-session-total");
    total.colSpan = 2;
    foot.appendChild(total);
    wrap.appendChild(table);
    return wrap;
  }

  /* The QR code of address as SVG: error correction M and a quiet zone of four modules, as
     the build draws the codes of the built pages (macros/handout.py). */
  function qrCode(encoder, address, label) {
    var code = encoder(0, "M");
    code.addData(address, "Byte");
    code.make();
    var count = code.getModuleCount(), quiet = 4, size = count + 2 * quiet, d = "";
    for (var y = 0; y < count; y++) {
      for (var x = 0; x < count; x++) if (code.isDark(y, x)) d += "M" + (x + quiet) + " " + (y + quiet) + "h1v1h-1z";
    }
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + size + " " + size);
    svg.setAttribute("width", String(size * 4));
    svg.setAttribute("height", String(size * 4));
    svg.setAttribute("class", "kb-qr-code");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", label);
    svg.setAttribute("shape-rendering", "crispEdges");
    var background = document.createElementNS(SVG, "rect");
    background.setAttribute("width", String(size));
    background.setAttribute("height", String(size));
    background.setAttribute("fill", "#fff");
    var modules = document.createElementNS(SVG, "path");
    modules.setAttribute("d", d);
    modules.setAttribute("fill", "#000");
    svg.appendChild(background);
    svg.appendChild(modules);
    return svg;
  }

  function list(tag, items, className) {
    var node = el(tag, null, className);
    items.forEach(function (item) { node.appendChild(el("li", item)); });
    return node;
  }

  function facts(pairs, className) {
    var dl = el("dl", null, className);
    pairs.forEach(function (pair) {
      dl.appendChild(el("dt", pair[0]));
      var dd = el("dd");
      [].concat(pair[1]).forEach(function (line, i) {
        if (i) dd.appendChild(el("br"));
        dd.appendChild(document.createTextNode(line));
      });
      dl.appendChild(dd);
    });
    return dl;
  }

  /* label names what the address is: the printed page's own (本页网址), or for a handout the
     training plan that holds its case and exercises. */
  function footer(encoder, printed, label) {
    var box = el("div", null, "kb-pack-footer");
    box.appendChild(qrCode(encoder, printed.address, label + "的二维码：" + printed.address));
    // The code holds the address as sent; the words show it as read (案例复盘, not %E6%A1%88…).
    var text = el("p", label + "：" + decodeURI(printed.address));
    if (printed.short) {
      text.appendChild(el("br"));
      text.appendChild(document.createTextNode("短链接：" + printed.short));
    }
    box.appendChild(text);
    return box;
  }

  // Room to write, on paper only.
  function notes() {
    var box = el("div", null, "kb-notes kb-print-only");
    box.setAttribute("aria-hidden", "true");
    box.appendChild(el("p", "笔记"));
    return box;
  }

  function titleOf(data, choices) {
    return "培训方案：" + names(choices.methods.map(function (id) { return data.methods[id].name; })
      .concat(choices.sites.map(function (id) { return data.sites[id].name; })));
  }

  function planSection(data, choices, plan, parts, encoder) {
    var section = el("section", null, "kb-pack-page kb-pack-plan");
    section.appendChild(el("h2", titleOf(data, choices)));
    var format = data.formats.filter(function (f) { return f.name === choices.format; })[0];
    var pairs = [["时间", choices.minutes + " 分钟"], ["形式", format.name + "：" + format.description]];
    if (format.sources.length) pairs.push(["出处", format.sources]);
    section.appendChild(facts(pairs, "kb-session-facts"));
    section.appendChild(el("h3", "课前准备"));
    section.appendChild(facts(preparation(data, choices, plan.rows), "kb-session-prepare"));
    section.appendChild(el("h3", "流程"));
    section.appendChild(planTable(plan.rows, choices.methods.length + choices.sites.length > 1));
    var trade = tradeOffs(data, plan, parts);
    if (trade.length) {
      section.appendChild(el("p", "时间不够时的取舍：", "kb-session-trade-head"));
      section.appendChild(list("ul", trade, "kb-session-trade"));
    }
    var kinds = [];
    plan.rows.forEach(function (row) {
      if (row.part.key === "exercise" && kinds.indexOf(row.part.name) < 0) kinds.push(row.part.name);
    });
    kinds.forEach(function (kind) {
      section.appendChild(el("p", "带练提示（" + kind + "）："));
      section.appendChild(list("ul", data.facilitation[kind]));
    });
    // The plan's own printed address is the published builder with these choices: it rebuilds this plan.
    section.appendChild(footer(encoder, {address: data.session + queryOf(choices)}, "本页网址"));
    return section;
  }

  /* The card as the card page (macros/training.py method_card) lays it out: summary and facts,
     适用场景, 怎么做, 谁来做, 成效, 来源, with the same classes. */
  function cardSection(data, id, encoder) {
    var method = data.methods[id];
    var section = el("section", null, "kb-pack-page kb-pack-card");
    section.appendChild(el("h2", "工作法卡片：" + method.name));
    var card = el("div", null, "kb-method-card");
    var head = el("div", null, "kb-card kb-method");
    if (method.summary) {
      var lead = el("p", null, "kb-summary");
      lead.appendChild(el("strong", "一句话概括："));
      lead.appendChild(document.createTextNode(method.summary));
      head.appendChild(lead);
    }
    head.appendChild(facts(method.facts));
    card.appendChild(head);
    if (method.when.length) {
      card.appendChild(el("h3", "适用场景"));
      method.when.forEach(function (text) { card.appendChild(el("p", text)); });
    }
    if (method.steps.length) {
      card.appendChild(el("h3", "怎么做"));
      var steps = el("ol", null, "kb-steps");
      method.steps.forEach(function (step, i) {
        var li = el("li", null, "kb-step");
        li.appendChild(el("span", "第" + (i + 1) + "步", "kb-step-anchor"));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("strong", step.name));
        if (step.detail) li.appendChild(document.createTextNode("：" + step.detail));
        steps.appendChild(li);
      });
      card.appendChild(steps);
    }
    if (method.roles.length) {
      card.appendChild(el("h3", "谁来做"));
      card.appendChild(list("ul", method.roles));
    }
    if (method.results.length) {
      card.appendChild(el("h3", "成效"));
      var table = el("table");
      var head2 = table.createTHead().insertRow();
      ["统计内容", "数字", "统计时间", "来源"].forEach(function (name) { head2.appendChild(el("th", name)); });
      var body = table.createTBody();
      method.results.forEach(function (cells) {
        var tr = body.insertRow();
        cells.forEach(function (cell) { tr.appendChild(el("td", cell)); });
      });
      card.appendChild(table);
      if (method.more_results) card.appendChild(el("p", "另有 " + method.more_results + " 项成效数字，见工作法页面。"));
    }
    card.appendChild(el("h3", "来源"));
    card.appendChild(list("ul", method.sources));
    section.appendChild(card);
    section.appendChild(footer(encoder, method.footer, "本页网址"));
    return section;
  }

  function handoutSection(data, id, encoder) {
    var method = data.methods[id];
    if (!method.case.length && !method.exercise.length) return null;
    var section = el("section", null, "kb-pack-page kb-pack-handout");
    section.appendChild(el("h2", "学员讲义：" + names([method.name])));
    if (method.case.length) {
      section.appendChild(el("h3", "案例"));
      method.case.forEach(function (text) { section.appendChild(el("p", text)); });
    }
    if (method.exercise.length) {
      section.appendChild(el("h3", "讨论与练习"));
      method.exercise.forEach(function (text) { section.appendChild(el("p", text)); });
    }
    section.appendChild(notes());
    section.appendChild(footer(encoder, method.handout_footer, "案例和练习所在的培训方案"));
    return section;
  }

  function visitSection(data, id, encoder) {
    var site = data.sites[id];
    var section = el("section", null, "kb-pack-page kb-pack-visit");
    section.appendChild(el("h2", "观摩：" + site.name));
    var box = el("div", null, "kb-card kb-site");
    if (site.summary) box.appendChild(el("p", site.summary, "kb-summary"));
    var pairs = [["是什么", site.type]];
    if (site.region) pairs.push(["地区", site.region]);
    if (site.studios.length) pairs.push(["所属工作室或项目", site.studios]);
    box.appendChild(facts(pairs));
    section.appendChild(box);
    if (site.shows) {
      section.appendChild(el("h3", "看什么"));
      section.appendChild(el("p", site.shows));
    }
    section.appendChild(el("h3", "在现场可以问的问题"));
    section.appendChild(list("ul", site.questions));
    section.appendChild(notes());
    section.appendChild(el("h3", "来源"));
    section.appendChild(list("ul", site.sources));
    section.appendChild(footer(encoder, site.footer, "本页网址"));
    return section;
  }

  /* ---- the chooser: rows of 44 px, grouped, with a filter ---- */

  function choiceInput(type, name, value, checked, onChange) {
    var input = el("input");
    input.type = type;
    input.name = name;
    input.value = value;
    input.checked = checked(value);
    input.addEventListener("change", onChange);
    return input;
  }

  function radios(box, entries, name, checked, onChange) {
    box.replaceChildren();
    entries.forEach(function (entry) {
      var label = el("label", null, "kb-choice kb-choice--short");
      label.appendChild(choiceInput("radio", name, entry.value, checked, onChange));
      label.appendChild(el("span", entry.label, "kb-choice-name"));
      box.appendChild(label);
    });
  }

  /* entries: {value, group, name, badge, badgeClass, lines, search}; grouped in the order given. */
  function checkboxes(box, entries, name, checked, onChange) {
    box.replaceChildren();
    var groups = {}, order = [];
    entries.forEach(function (entry) {
      if (!groups[entry.group]) { groups[entry.group] = []; order.push(entry.group); }
      groups[entry.group].push(entry);
    });
    order.forEach(function (group) {
      var section = el("div", null, "kb-choice-group");
      section.appendChild(el("p", group + "（" + groups[group].length + "）", "kb-choice-group-name"));
      groups[group].forEach(function (entry) {
        var label = el("label", null, "kb-choice");
        label.setAttribute("data-search", entry.search);
        label.appendChild(choiceInput("checkbox", name, entry.value, checked, onChange));
        var text = el("span", null, "kb-choice-text");
        var title = el("span", null, "kb-choice-title");
        title.appendChild(el("span", entry.name, "kb-choice-name"));
        if (entry.badge) title.appendChild(el("span", entry.badge, "kb-badge " + entry.badgeClass));
        text.appendChild(title);
        entry.lines.forEach(function (line) { if (line) text.appendChild(el("span", line, "kb-choice-line")); });
        label.appendChild(text);
        section.appendChild(label);
      });
      box.appendChild(section);
    });
  }

  function filterRows(box, words) {
    var query = words.trim().toLowerCase();
    var shown = 0;
    box.querySelectorAll(".kb-choice-group").forEach(function (group) {
      var visible = 0;
      group.querySelectorAll(".kb-choice").forEach(function (row) {
        var match = !query || row.getAttribute("data-search").toLowerCase().indexOf(query) >= 0;
        row.hidden = !match;
        if (match) visible++;
      });
      group.hidden = !visible;
      shown += visible;
    });
    return shown;
  }

  var LEVEL_CLASS = {"完整": "kb-badge--full", "较完整": "kb-badge--most", "待补充": "kb-badge--low"};

  function methodEntries(data) {
    var entries = Object.keys(data.methods).map(function (id) {
      var m = data.methods[id];
      var marks = m.exercises.slice();
      if (m.unknown.length) marks.push("来源没写：" + m.unknown.join("；"));
      return {value: id, group: m.themes[0] || "未分主题", name: m.name, badge: "资料" + m.level, badgeClass: LEVEL_CLASS[m.level] || "",
              lines: [m.summary, marks.join(" · ")], search: [m.name, m.summary, m.themes.join(" ")].join(" ")};
    });
    return entries.sort(function (a, b) { return a.group === b.group ? 0 : a.group === "未分主题" ? 1 : b.group === "未分主题" ? -1 : a.group.localeCompare(b.group, "zh"); });
  }

  function siteEntries(data) {
    return Object.keys(data.sites).map(function (id) {
      var s = data.sites[id];
      return {value: id, group: s.type, name: s.name, badge: "", badgeClass: "", lines: [s.summary, s.region],
              search: [s.name, s.summary, s.region, s.type].join(" ")};
    }).sort(function (a, b) { return a.group === b.group ? 0 : a.group.localeCompare(b.group, "zh"); });
  }

  function start(widget, data, encoder) {
    var form = widget.querySelector("form");
    var status = widget.querySelector("#kb-session-status");
    var count = widget.querySelector("[data-count]");
    var planBox = widget.querySelector("[data-plan]");
    var pack = widget.querySelector("[data-pack]");
    var buttons = widget.querySelectorAll("[data-action]");
    var choices = readChoices(data);

    function box(kind) { return form.querySelector('[data-choices="' + kind + '"]'); }
    function picked(name) {
      return Array.prototype.map.call(form.querySelectorAll('input[name="' + name + '"]:checked'), function (i) { return i.value; });
    }
    function fromForm() {
      var keep = function (old, now) {  // keep the order the trainer picked them in
        return old.filter(function (id) { return now.indexOf(id) >= 0; })
          .concat(now.filter(function (id) { return old.indexOf(id) < 0; }));
      };
      choices = {
        methods: keep(choices.methods, picked("methods")),
        sites: keep(choices.sites, picked("sites")),
        minutes: Number(picked("minutes")[0]),
        format: picked("format")[0]
      };
      history.replaceState(null, "", queryOf(choices) + window.location.hash);
      render();
    }

    radios(box("lengths"), data.lengths.map(function (p) { return {value: String(p[0]), label: p[1]}; }), "minutes",
      function (v) { return Number(v) === choices.minutes; }, fromForm);
    radios(box("formats"), data.formats.map(function (f) { return {value: f.name, label: f.name}; }), "format",
      function (v) { return v === choices.format; }, fromForm);
    checkboxes(box("methods"), methodEntries(data), "methods", function (v) { return choices.methods.indexOf(v) >= 0; }, fromForm);
    checkboxes(box("sites"), siteEntries(data), "sites", function (v) { return choices.sites.indexOf(v) >= 0; }, fromForm);
    form.querySelectorAll("[data-filter]").forEach(function (input) {
      var target = box(input.getAttribute("data-filter"));
      var note = form.querySelector('[data-filter-note="' + input.getAttribute("data-filter") + '"]');
      input.addEventListener("input", function () {
        var shown = filterRows(target, input.value);
        note.textContent = input.value.trim() ? "筛出 " + shown + " 个" : "";
      });
    });

    function render() {
      var format = data.formats.filter(function (f) { return f.name === choices.format; })[0];
      form.querySelector("[data-format-note]").textContent = format.description;
      count.textContent = "已选 " + choices.methods.length + " 个工作法、" + choices.sites.length + " 个示范点";
      planBox.replaceChildren();
      pack.replaceChildren();
      var ready = choices.methods.length + choices.sites.length > 0;
      buttons.forEach(function (b) { b.disabled = !ready; });
      if (!ready) {
        status.textContent = "先选至少一个工作法或示范点。";
        return;
      }
      var parts = sessionParts(data, choices);
      var plan = fit(data, parts, choices.minutes, choices.format);
      if (!plan) {
        status.textContent = choices.minutes + " 分钟排不下所选工作法的讲解（每个环节至少 " + data.block + " 分钟）：请选更长的课，或少选几个。";
        buttons.forEach(function (b) { b.disabled = true; });
        return;
      }
      var address = new URL(queryOf(choices), window.location.href).href;
      var changed = plan.cuts.length + plan.dropped.length;
      status.textContent = "已排好：" + plan.rows.length + " 个环节，共 " + choices.minutes + " 分钟" +
        (changed ? "；有 " + changed + " 处缩短或没排进，见流程表下。" : "。");
      planBox.appendChild(planSection(data, choices, plan, parts, encoder));
      // On screen the address of this copy of the site; on paper the footer gives the published one.
      var share = el("p", "这份方案的网址：", "kb-session-share kb-no-print");
      var link = el("a", address);
      link.href = address;
      share.appendChild(link);
      planBox.appendChild(share);
      pack.appendChild(planSection(data, choices, plan, parts, encoder));
      choices.methods.forEach(function (id) {
        pack.appendChild(cardSection(data, id, encoder));
        var handout = handoutSection(data, id, encoder);
        if (handout) pack.appendChild(handout);
      });
      choices.sites.forEach(function (id) { pack.appendChild(visitSection(data, id, encoder)); });
    }

    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        document.body.classList.toggle("kb-print-pack", button.getAttribute("data-action") === "print-pack");
        window.print();
      });
    });
    window.addEventListener("afterprint", function () { document.body.classList.remove("kb-print-pack"); });
    render();
  }

  /* qrcode-generator defines the global qrcode when its script runs; the script is added once. */
  var encoderLoad = null;
  function loadEncoder(src) {
    if (typeof window.qrcode === "function") return Promise.resolve(window.qrcode);
    if (!encoderLoad) {
      encoderLoad = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.addEventListener("load", function () { resolve(window.qrcode); });
        script.addEventListener("error", function () { encoderLoad = null; reject(new Error(src)); });
        document.head.appendChild(script);
      });
    }
    return encoderLoad;
  }

  function init() {
    var widget = document.getElementById("kb-session");
    if (!widget || widget.getAttribute("data-ready")) return;
    widget.setAttribute("data-ready", "loading");
    var src = new URL(widget.getAttribute("data-src"), window.location.href).href;
    var encoderSrc = new URL(widget.getAttribute("data-qr-encoder"), window.location.href).href;
    Promise.all([cache[src] ? Promise.resolve(cache[src]) : fetch(src).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + src);
      return r.json();
    }), loadEncoder(encoderSrc)]).then(function (loaded) {
      cache[src] = loaded[0];
      loaded[1].stringToBytes = loaded[1].stringToBytesFuncs["UTF-8"];  // addresses are UTF-8
      start(widget, loaded[0], loaded[1]);
      widget.setAttribute("data-ready", "yes");
    }).catch(function (error) {
      widget.querySelector("#kb-session-status").textContent = "组课用的数据或画二维码的脚本没能载入（" + error.message + "），请刷新页面再试。";
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
