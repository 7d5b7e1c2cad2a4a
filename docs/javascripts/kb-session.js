/* Session builder (training/session.md): chains the parts of several methods and site visits
   into one timed plan, from training/session.json written by the build.
   Every string from the data reaches the page through textContent or setAttribute, never as markup.
   The choices live in the query string (?methods=a,b&sites=c&minutes=120&format=案例复盘), so the
   address rebuilds the same plan. Every page of the print pack ends with a footer: the address
   of the page it stands for, its short link where it has one and that address's QR code, drawn
   with qrcode-generator (vendored from npm by kb_build/training_pages.py, loaded on this page only).
   Nothing is requested after the data file and that script. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  // Parts in the order of 红雁加油站's 四步闭环: look, retell, work it through; then the wrap-up.
  var STAGES = ["visit", "steps", "origin", "case", "exercise", "prompts", "spread"];
  var LECTURE = "讲授";
  var cache = {};

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

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
      format: formats.indexOf(format) >= 0 ? format : LECTURE
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

  /* Minutes per part in blocks, in proportion to the weights, adding up to total: the same
     largest-remainder rule as macros/training.py allocate(). */
  function allocate(weights, total, block) {
    var units = Math.floor(total / block);
    var whole = weights.reduce(function (a, b) { return a + b; }, 0);
    var shares = weights.map(function (w) { return w * units / whole; });
    var blocks = shares.map(function (s) { return Math.max(1, Math.floor(s)); });
    var order = weights.map(function (_, i) { return i; }).sort(function (a, b) {
      return (blocks[a] - shares[a]) - (blocks[b] - shares[b]) || a - b;
    });
    var sum = function () { return blocks.reduce(function (a, b) { return a + b; }, 0); };
    for (var i = 0; sum() < units; i++) blocks[order[i % blocks.length]] += 1;
    while (sum() > units) {
      var largest = 0;
      blocks.forEach(function (b, j) { if (b > blocks[largest]) largest = j; });
      blocks[largest] -= 1;
    }
    return blocks.map(function (b) { return b * block; });
  }

  function plan(data, choices) {
    var methods = choices.methods.map(function (id) { return data.methods[id]; });
    var parts = [];
    var perMethod = methods.map(function (m) { return m.parts; });
    var visits = choices.sites.map(function (id) { return data.sites[id].part; });
    if (choices.format === LECTURE) {
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
    var names = methods.map(function (m) { return m.name; });
    var opening = Object.assign({}, data.opening, {what: data.opening.what + (names.length ? "：" + names.join("、") : "")});
    parts = [opening].concat(parts, [data.closing]);
    var weights = parts.map(function (p) { return p.weight * (p.format === choices.format && p.key !== "intro" && p.key !== "closing" ? 2 : 1); });
    if (weights.length * data.block > choices.minutes) return null;
    var minutes = allocate(weights, choices.minutes, data.block);
    return parts.map(function (part, i) { return {part: part, minutes: minutes[i]}; });
  }

  function clock(minute) {
    var h = Math.floor(minute / 60), m = minute % 60;
    return h + ":" + (m < 10 ? "0" : "") + m;
  }

  function planTable(rows) {
    var table = el("table", null, "kb-session-table");
    var head = table.createTHead().insertRow();
    ["时段", "环节", "时间", "做什么"].forEach(function (name) { head.appendChild(el("th", name)); });
    var body = table.createTBody();
    var start = 0;
    rows.forEach(function (row) {
      var tr = body.insertRow();
      tr.setAttribute("data-minutes", String(row.minutes));
      tr.appendChild(el("td", clock(start) + "–" + clock(start + row.minutes)));
      tr.appendChild(el("td", row.part.name));
      tr.appendChild(el("td", row.minutes + " 分钟"));
      tr.appendChild(el("td", row.part.what));
      start += row.minutes;
    });
    var foot = table.createTFoot().insertRow();
    foot.appendChild(el("th", "合计"));
    foot.appendChild(el("td"));
    foot.appendChild(el("td", start + " 分钟", "kb-session-total"));
    foot.appendChild(el("td"));
    return table;
  }

  /* The QR code of address as SVG: error correction M and a quiet zone of four modules, as
     segno draws the codes of the built pages (macros/handout.py). */
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

  function titleOf(data, choices) {
    var names = choices.methods.map(function (id) { return data.methods[id].name; })
      .concat(choices.sites.map(function (id) { return data.sites[id].name; }));
    return "培训方案：" + names.join("、");
  }

  function planSection(data, choices, rows, encoder) {
    var section = el("section", null, "kb-pack-page kb-pack-plan");
    section.appendChild(el("h2", titleOf(data, choices)));
    var format = data.formats.filter(function (f) { return f.name === choices.format; })[0];
    var facts = el("dl", null, "kb-session-facts");
    [["时间", choices.minutes + " 分钟"], ["形式", format.name + "：" + format.description]].forEach(function (pair) {
      facts.appendChild(el("dt", pair[0]));
      facts.appendChild(el("dd", pair[1]));
    });
    if (format.sources.length) {
      facts.appendChild(el("dt", "出处"));
      facts.appendChild(el("dd", format.sources.join("；")));
    }
    section.appendChild(facts);
    section.appendChild(planTable(rows));
    // The plan's own printed address is the published builder with these choices: it rebuilds this plan.
    section.appendChild(footer(encoder, {address: data.session + queryOf(choices)}, "本页网址"));
    return section;
  }

  function cardSection(data, id, encoder) {
    var method = data.methods[id];
    var section = el("section", null, "kb-pack-page kb-pack-card");
    section.appendChild(el("h2", "工作法卡片：" + method.name));
    if (method.summary) section.appendChild(el("p", method.summary, "kb-summary"));
    if (method.steps.length) {
      section.appendChild(el("h3", "怎么做"));
      section.appendChild(list("ol", method.steps.map(function (s) { return s.name + (s.detail ? "：" + s.detail : ""); }), "kb-pack-steps"));
    }
    if (method.roles.length) {
      section.appendChild(el("h3", "谁来做"));
      section.appendChild(list("ul", method.roles));
    }
    section.appendChild(el("h3", "来源"));
    section.appendChild(list("ul", method.sources));
    section.appendChild(footer(encoder, method.footer, "本页网址"));
    return section;
  }

  function handoutSection(data, id, encoder) {
    var method = data.methods[id];
    var section = el("section", null, "kb-pack-page kb-pack-handout");
    section.appendChild(el("h2", "学员讲义：" + method.name));
    if (method.case.length) {
      section.appendChild(el("h3", "案例"));
      method.case.forEach(function (text) { section.appendChild(el("p", text)); });
    }
    if (method.exercise.length) {
      section.appendChild(el("h3", "讨论与练习"));
      method.exercise.forEach(function (text) { section.appendChild(el("p", text)); });
    }
    if (section.childNodes.length === 1) return null;
    section.appendChild(footer(encoder, method.handout_footer, "案例和练习所在的培训方案"));
    return section;
  }

  function visitSection(data, id, encoder) {
    var site = data.sites[id];
    var section = el("section", null, "kb-pack-page kb-pack-visit");
    section.appendChild(el("h2", "观摩单：" + site.name));
    section.appendChild(el("p", [site.type, site.region].filter(Boolean).join("，")));
    if (site.shows) {
      section.appendChild(el("h3", "看什么"));
      section.appendChild(el("p", site.shows));
    }
    section.appendChild(el("h3", "在现场可以问的问题"));
    section.appendChild(list("ul", site.questions));
    section.appendChild(el("h3", "来源"));
    section.appendChild(list("ul", site.sources));
    section.appendChild(footer(encoder, site.footer, "本页网址"));
    return section;
  }

  function choiceList(box, entries, type, name, checked, onChange) {
    box.replaceChildren();
    entries.forEach(function (entry) {
      var label = el("label", null, "kb-session-choice");
      var input = el("input");
      input.type = type;
      input.name = name;
      input.value = entry.value;
      input.checked = checked(entry.value);
      input.addEventListener("change", onChange);
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + entry.label));
      box.appendChild(label);
    });
  }

  function start(widget, data, encoder) {
    var form = widget.querySelector("form");
    var status = widget.querySelector("#kb-session-status");
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

    choiceList(box("lengths"), data.lengths.map(function (p) { return {value: String(p[0]), label: p[1]}; }), "radio", "minutes",
      function (v) { return Number(v) === choices.minutes; }, fromForm);
    choiceList(box("formats"), data.formats.map(function (f) { return {value: f.name, label: f.name}; }), "radio", "format",
      function (v) { return v === choices.format; }, fromForm);
    choiceList(box("methods"), Object.keys(data.methods).map(function (id) { return {value: id, label: data.methods[id].name}; }), "checkbox", "methods",
      function (v) { return choices.methods.indexOf(v) >= 0; }, fromForm);
    choiceList(box("sites"), Object.keys(data.sites).map(function (id) { return {value: id, label: data.sites[id].name}; }), "checkbox", "sites",
      function (v) { return choices.sites.indexOf(v) >= 0; }, fromForm);

    function render() {
      var format = data.formats.filter(function (f) { return f.name === choices.format; })[0];
      form.querySelector("[data-format-note]").textContent = format.description;
      planBox.replaceChildren();
      pack.replaceChildren();
      var ready = choices.methods.length + choices.sites.length > 0;
      buttons.forEach(function (b) { b.disabled = !ready; });
      if (!ready) {
        status.textContent = "先选至少一个工作法或示范点。";
        return;
      }
      var rows = plan(data, choices);
      if (!rows) {
        status.textContent = choices.minutes + " 分钟排不下这么多环节（每个环节至少 " + data.block + " 分钟）：请选更长的课，或少选几个。";
        buttons.forEach(function (b) { b.disabled = true; });
        return;
      }
      var address = new URL(queryOf(choices), window.location.href).href;
      status.textContent = "已排好：" + rows.length + " 个环节，共 " + choices.minutes + " 分钟。";
      planBox.appendChild(planSection(data, choices, rows, encoder));
      // On screen the address of this copy of the site; on paper the footer gives the published one.
      var share = el("p", "这份方案的网址：", "kb-session-share kb-no-print");
      var link = el("a", address);
      link.href = address;
      share.appendChild(link);
      planBox.appendChild(share);
      pack.appendChild(planSection(data, choices, rows, encoder));
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
