/* graphrisk map: builds the page from the JSON data block with DOM text nodes only (never innerHTML).
 *
 * Exposes:
 *   window.graphriskMap     summary {nodes, edges, records, omitted, omittedRecords, paths, mode,
 *                           stabilized, stabilizedMs, selected, visibleEdges, timings, hubs, expanded,
 *                           results (ids found by the last search), activePath, dimmed}
 *   window.graphriskFocus(id), window.graphriskExpand(hubId), window.graphriskShowPath(pathId),
 *   window.graphriskSearch(text) -> ids
 *   window.graphriskNetwork the vis.Network; window.graphriskData {nodes, edges, edgesView} (vis DataSets)
 */
(function () {
  "use strict";
  var timings = { start: Math.round(performance.now()) };
  var D = JSON.parse(document.getElementById("graphrisk-data").textContent);
  timings.parsed = Math.round(performance.now());
  var meta = D.meta;
  var state = {
    nodes: meta.nodes, edges: meta.edges, records: meta.records, omitted: meta.omitted,
    omittedRecords: meta.omitted_records, paths: meta.paths, mode: meta.mode, stabilized: false,
    stabilizedMs: null, selected: null, visibleEdges: meta.edges, timings: timings,
    hubs: meta.hubs, expanded: [], results: [], activePath: null, dimmed: 0
  };
  var UI = D.ui;
  function fmt(template, params) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) {
      return params && params[k] !== undefined ? String(params[k]) : m;
    });
  }
  function n0(x) { return Number(x).toLocaleString(meta.lang === "zh" ? "zh-CN" : "en"); }
  window.graphriskMap = state;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function kvTable(rows) {
    var t = el("table", "gr-kv");
    rows.forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("th", null, r[0]));
      tr.appendChild(el("td", null, r[1]));
      t.appendChild(tr);
    });
    return t;
  }
  function recordText(r) {
    var bits = [r.id];
    if (r.date) { bits.push(r.date); }
    if (r.amount) { bits.push(r.amount); }
    if (r.extra) { bits.push(r.extra); }
    if (r.source) { bits.push(fmt(UI.source, { source: r.source })); }
    return bits.join(" · ");
  }

  // ------------------------------------------------------------ data and filters
  var nodes = new vis.DataSet(D.nodes);
  var edges = new vis.DataSet(D.edges);
  var byId = {};
  D.nodes.forEach(function (n) { byId[n.id] = n; });
  var hiddenKinds = {};
  var dateFrom = null, dateTo = null;

  function edgeVisible(e) {
    if (hiddenKinds[e.kind]) { return false; }
    if (!dateFrom && !dateTo) { return true; }
    if (e.undated) { return true; }
    for (var i = 0; i < e.records.length; i++) {
      var d = (e.records[i].iso || "").slice(0, 10);
      if (d && (!dateFrom || d >= dateFrom) && (!dateTo || d <= dateTo)) { return true; }
    }
    return false;
  }
  var edgesView = new vis.DataView(edges, { filter: edgeVisible });
  window.graphriskData = { nodes: nodes, edges: edges, edgesView: edgesView };
  timings.datasets = Math.round(performance.now());

  // ------------------------------------------------------------ network
  var container = $("mynetwork");
  var network = new vis.Network(container, { nodes: nodes, edges: edgesView }, D.options);
  window.graphriskNetwork = network;
  timings.network = Math.round(performance.now());

  function stabilized() {
    if (state.stabilized) { return; }
    network.setOptions({ physics: { enabled: false } });
    state.stabilized = true;
    state.stabilizedMs = Math.round(performance.now());
    document.body.setAttribute("data-stabilized", "true");
    $("gr-loading").hidden = true;
  }
  if (D.options.physics && D.options.physics.enabled) {
    network.on("stabilizationProgress", function (p) {
      $("gr-loading-pct").textContent = Math.round(100 * p.iterations / Math.max(1, p.total)) + "%";
    });
    network.once("stabilizationIterationsDone", stabilized);
  } else {
    stabilized();
  }

  // ------------------------------------------------------------ counts and note
  function updateCounts() {
    state.visibleEdges = edgesView.length;
    var t = fmt(UI.counts, { nodes: n0(nodes.length), edges: n0(edges.length), records: n0(state.records) });
    if (state.visibleEdges !== edges.length) { t += fmt(UI.counts_filtered, { n: n0(state.visibleEdges) }); }
    if (state.hubs) { t += fmt(UI.counts_hubs, { n: n0(state.hubs) }); }
    $("gr-counts").textContent = t;
  }
  updateCounts();
  if (meta.note) {
    $("gr-note").textContent = meta.note;
    $("gr-note").hidden = false;
  }

  // ------------------------------------------------------------ legend and toggles
  var GLYPH = { star: "★", dot: "●", square: "■", diamond: "◆", triangle: "▲", triangleDown: "▼", hexagon: "⬢" };
  var legend = $("gr-legend");
  D.legend.nodes.forEach(function (k) {
    var row = el("div", "gr-legend-row");
    var sw = el("span", "gr-swatch", GLYPH[k.shape] || "●");
    sw.style.color = k.color;
    row.appendChild(sw);
    row.appendChild(el("span", null, k.label));
    legend.appendChild(row);
  });
  D.legend.levels.forEach(function (l) {
    var row = el("div", "gr-legend-row");
    var ring = el("span", "gr-ring");
    ring.style.borderColor = l.color;
    row.appendChild(ring);
    row.appendChild(el("span", null, l.label));
    legend.appendChild(row);
  });
  if (D.paths.length) {
    var prow = el("div", "gr-legend-row");
    var pl = el("span", "gr-line");
    pl.style.borderTopColor = "#e31a1c";
    pl.style.boxShadow = "0 0 6px 2px rgba(227,26,28,0.7)";
    prow.appendChild(pl);
    prow.appendChild(el("span", null, UI.legend_glow));
    legend.appendChild(prow);
  }
  if (state.hubs) {
    var hrow = el("div", "gr-legend-row");
    hrow.appendChild(el("span", "gr-swatch gr-hub", "+N"));
    hrow.appendChild(el("span", null, UI.legend_hub));
    legend.appendChild(hrow);
  }
  legend.appendChild(el("p", "gr-hint", fmt(UI.legend_size, { measure: meta.centrality_label })));

  var toggles = $("gr-toggles");
  D.legend.edges.forEach(function (k) {
    var lab = el("label", "gr-toggle");
    var cb = el("input");
    cb.type = "checkbox";
    cb.checked = true;
    cb.setAttribute("data-kind", k.kind);
    cb.addEventListener("change", function () {
      hiddenKinds[k.kind] = !cb.checked;
      edgesView.refresh();
      updateCounts();
    });
    var line = el("span", "gr-line" + (k.dashes ? " dashed" : ""));
    line.style.borderTopColor = k.color;
    lab.appendChild(cb);
    lab.appendChild(line);
    lab.appendChild(el("span", null, k.label));
    lab.appendChild(el("span", "gr-count", n0(k.records)));
    toggles.appendChild(lab);
  });

  // ------------------------------------------------------------ date range
  var from = $("gr-date-from"), to = $("gr-date-to");
  if (meta.dates.min) { from.min = to.min = meta.dates.min; }
  if (meta.dates.max) { from.max = to.max = meta.dates.max; }
  function applyDates() {
    dateFrom = from.value || null;
    dateTo = to.value || null;
    edgesView.refresh();
    updateCounts();
  }
  from.addEventListener("change", applyDates);
  to.addEventListener("change", applyDates);
  $("gr-date-reset").addEventListener("click", function () { from.value = ""; to.value = ""; applyDates(); });

  // ------------------------------------------------------------ hubs: hidden neighbours expand on click
  var hubOf = {};
  Object.keys(D.expand).sort().forEach(function (hub) {
    D.expand[hub].nodes.forEach(function (n) {
      if (!hubOf[n.id]) { hubOf[n.id] = hub; }
      if (!byId[n.id]) { byId[n.id] = n; }
    });
  });
  // a short physics run that moves only the nodes just added: everything already placed stays put
  function settle(ids) {
    if (!ids.length || !state.stabilized) { return; }
    var added = {};
    ids.forEach(function (id) { added[id] = true; });
    var pinned = nodes.getIds().filter(function (id) { return !added[id]; });
    nodes.update(pinned.map(function (id) { return { id: id, fixed: true }; }));
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      nodes.update(pinned.map(function (id) { return { id: id, fixed: false }; }));
    });
    network.setOptions({ physics: { enabled: true } });
    network.stabilize(120);
  }
  function expandHub(hub) {
    var x = D.expand[hub];
    if (!x || state.expanded.indexOf(hub) >= 0) { return false; }
    var p = network.getPositions([hub])[hub] || { x: 0, y: 0 };
    var add = x.nodes.filter(function (n) { return nodes.get(n.id) === null; });
    var r = 90 + 6 * Math.sqrt(add.length) * 10;
    nodes.add(add.map(function (n, i) {
      var a = 2 * Math.PI * i / Math.max(1, add.length);
      var c = Object.assign({}, n);
      c.x = p.x + r * Math.cos(a);
      c.y = p.y + r * Math.sin(a);
      c.expandedFrom = hub;
      return c;
    }));
    edges.add(x.edges.filter(function (e) { return edges.get(e.id) === null; }));
    settle(add.map(function (n) { return n.id; }));
    state.expanded.push(hub);
    state.hubs = Math.max(0, state.hubs - 1);
    var hn = nodes.get(hub);
    var info = hn.info.filter(function (row) { return row[0] !== UI.collapsed_row; });
    info.push([UI.collapsed_row, fmt(UI.hub_expanded, { n: n0(add.length) }) +
      (x.more ? "; " + fmt(UI.hub_more, { n: n0(x.more) }) : "")]);
    nodes.update({ id: hub, label: hn.label.replace(/ \(\+\d+\)$/, ""), borderDashes: false,
                   shapeProperties: { borderDashes: false }, info: info });
    if (x.more) { $("gr-search-msg").textContent = fmt(UI.hub_more, { n: n0(x.more) }); }
    updateCounts();
    return true;
  }
  window.graphriskExpand = expandHub;

  // ------------------------------------------------------------ details and tooltips
  var details = $("gr-details");
  function nodeBlock(id, full) {
    var n = nodes.get(id) || byId[id];
    var box = el("div");
    box.appendChild(el("strong", null, n.name));
    box.appendChild(kvTable(n.info));
    if (full && D.expand[id]) {
      var done = state.expanded.indexOf(id) >= 0;
      box.appendChild(el("p", "gr-hint", done ? fmt(UI.hub_expanded, { n: n0(D.expand[id].nodes.length) }) :
        fmt(UI.hub_click, { n: n0(D.expand[id].total) })));
    }
    return box;
  }
  function edgeBlock(id, full) {
    var e = edges.get(id);
    var box = el("div");
    box.appendChild(kvTable(e.info));
    var list = el("ul", "gr-records");
    var limit = full ? e.records.length : Math.min(e.records.length, 8);
    for (var i = 0; i < limit; i++) { list.appendChild(el("li", null, recordText(e.records[i]))); }
    if (limit < e.records.length) {
      list.appendChild(el("li", "gr-hint", fmt(UI.more_records, { n: n0(e.records.length - limit) })));
    }
    box.appendChild(list);
    if (full) {
      var files = {};
      e.records.forEach(function (r) { if (r.path) { files[r.path] = true; } });
      Object.keys(files).sort().forEach(function (f) { box.appendChild(el("p", "gr-hint", fmt(UI.file, { file: f }))); });
    }
    return box;
  }
  function showDetails(block) { clear(details); details.appendChild(block); }

  var tip = $("gr-tip"), wrap = $("gr-canvas-wrap");
  function showTip(block, pointer) {
    clear(tip);
    tip.appendChild(block);
    tip.hidden = false;
    var x = pointer.DOM.x + 14, y = pointer.DOM.y + 14;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > wrap.clientWidth) { x = Math.max(0, pointer.DOM.x - w - 14); }
    if (y + h > wrap.clientHeight) { y = Math.max(0, pointer.DOM.y - h - 14); }
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  function hideTip() { tip.hidden = true; }
  network.on("hoverNode", function (p) { showTip(nodeBlock(p.node, false), p.pointer); });
  network.on("hoverEdge", function (p) { showTip(edgeBlock(p.edge, false), p.pointer); });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);
  network.on("click", function (p) {
    if (p.nodes.length) {
      var id = p.nodes[0];
      state.selected = id;
      document.body.setAttribute("data-selected", id);
      if (D.expand[id]) { expandHub(id); }
      showDetails(nodeBlock(id, true));
    } else if (p.edges.length) {
      showDetails(edgeBlock(p.edges[0], true));
    }
  });

  // ------------------------------------------------------------ search: every match, in either script, pinyin, ids
  function foldQuery(q) {
    var s = String(q).normalize("NFKC").toLowerCase().replace(/[\s\u3000·•'’\-_.()（）]+/g, "");
    var out = "";
    for (var i = 0; i < s.length; i++) { out += D.folds[s[i]] || s[i]; }
    return out;
  }
  var HOW = { name: 0, id: 1, record: 2, pinyin: 3 };
  function findNodes(q) {
    q = foldQuery(q);
    if (!q) { return []; }
    var best = {};
    D.search.forEach(function (s) {
      var key = s[0], pos = key.indexOf(q);
      if (pos < 0) { return; }
      // exact, then prefix, then anywhere; by name, id, record, pinyin; what is drawn before what a hub hides
      var rank = (key === q ? 0 : pos === 0 ? 1 : 2) * 10 + HOW[s[2]] + (nodes.get(s[1]) === null ? 5 : 0);
      var cur = best[s[1]];
      if (!cur || rank < cur.rank) { best[s[1]] = { id: s[1], rank: rank, how: s[2], record: s[3] }; }
    });
    return Object.keys(best).map(function (k) { return best[k]; }).sort(function (a, b) {
      return a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
  }
  function focusNode(id) {
    if (nodes.get(id) === null && hubOf[id]) { expandHub(hubOf[id]); }
    if (nodes.get(id) === null) { return false; }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: false });
    state.selected = id;
    document.body.setAttribute("data-selected", id);
    showDetails(nodeBlock(id, true));
    return true;
  }
  window.graphriskFocus = focusNode;
  var results = $("gr-results");
  function search(text) {
    var found = findNodes(text);
    var msg = $("gr-search-msg");
    clear(results);
    state.results = found.map(function (f) { return f.id; });
    $("gr-results-box").hidden = !found.length;
    if (!found.length) { msg.textContent = UI.no_match; return []; }
    found.forEach(function (f) {
      var n = byId[f.id];
      var li = el("li");
      li.setAttribute("data-node", f.id);
      var txt = (n ? n.name : f.id) + " · " + f.id + (n ? " · " + n.info[0][1] : "");
      if (f.how === "record") { txt += " · " + fmt(UI.match_record, { id: f.record }); }
      if (hubOf[f.id] && nodes.get(f.id) === null) { txt += " · " + UI.match_hidden; }
      li.appendChild(el("a", null, txt));
      li.addEventListener("click", function () { focusNode(f.id); });
      results.appendChild(li);
    });
    focusNode(found[0].id);
    msg.textContent = fmt(found.length > 1 ? UI.matches : UI.match_one, { n: n0(found.length) });
    return state.results;
  }
  window.graphriskSearch = search;
  $("gr-search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    search($("gr-search").value);
  });

  // ------------------------------------------------------------ conflict paths: highlight one, dim the rest
  var DIM_NODE = { background: "#eceff2", border: "#d5dadf", highlight: { background: "#eceff2", border: "#d5dadf" },
                   hover: { background: "#eceff2", border: "#d5dadf" } };
  var saved = null;
  function undim() {
    if (!saved) { return; }
    nodes.update(saved.nodes);
    edges.update(saved.edges);
    saved = null;
    state.dimmed = 0;
    state.activePath = null;
    document.body.removeAttribute("data-active-path");
    $("gr-dimbar").hidden = true;
    Array.prototype.forEach.call(plist.children, function (c) { c.classList.remove("active"); });
  }
  function showPath(pid) {
    var p = null;
    D.paths.forEach(function (x) { if (x.id === pid) { p = x; } });
    if (!p) { return false; }
    undim();
    var keepN = {}, keepE = {};
    p.nodes.forEach(function (n) { keepN[n] = true; });
    p.edges.forEach(function (e) { keepE[e] = true; });
    saved = { nodes: [], edges: [] };
    var nu = [], eu = [];
    nodes.forEach(function (n) {
      if (keepN[n.id]) { return; }
      saved.nodes.push({ id: n.id, color: n.color, font: n.font || null, shadow: n.shadow || false });
      nu.push({ id: n.id, color: DIM_NODE, font: { color: "#c3c8cd", strokeWidth: 0 }, shadow: false });
    });
    edges.forEach(function (e) {
      if (keepE[e.id]) { return; }
      saved.edges.push({ id: e.id, color: e.color, shadow: e.shadow || false, font: e.font || null });
      eu.push({ id: e.id, color: { color: "#dde1e5", highlight: "#dde1e5", hover: "#dde1e5", opacity: 0.35 },
                shadow: false, font: { color: "#c3c8cd", strokeWidth: 0 } });
    });
    nodes.update(nu);
    edges.update(eu);
    state.dimmed = nu.length;
    state.activePath = pid;
    document.body.setAttribute("data-active-path", pid);
    $("gr-dim-text").textContent = fmt(UI.path_shown, { id: pid });
    $("gr-dimbar").hidden = false;
    Array.prototype.forEach.call(plist.children, function (c) {
      c.classList.toggle("active", c.getAttribute("data-path-id") === pid);
    });
    var ns = p.nodes.filter(function (n) { return nodes.get(n) !== null; });
    var es = p.edges.filter(function (e) { return edgesView.get(e) !== null; });
    network.setSelection({ nodes: ns, edges: es }, { unselectAll: true, highlightEdges: false });
    if (ns.length) { network.fit({ nodes: ns, animation: false }); }
    var tl = document.getElementById("gr-timeline-svg");
    if (tl) {
      Array.prototype.forEach.call(tl.querySelectorAll("circle.ev"), function (c) {
        var on = (" " + c.getAttribute("data-paths") + " ").indexOf(" " + pid + " ") >= 0;
        c.classList.toggle("faded", !on);
      });
    }
    return true;
  }
  window.graphriskShowPath = showPath;
  $("gr-undim").addEventListener("click", function () {
    undim();
    var tl = document.getElementById("gr-timeline-svg");
    if (tl) { Array.prototype.forEach.call(tl.querySelectorAll("circle.faded"), function (c) { c.classList.remove("faded"); }); }
  });

  var plist = $("gr-paths");
  $("gr-paths-count").textContent = "(" + D.paths.length + ")";
  if (!D.paths.length) {
    plist.appendChild(el("li", "gr-hint", UI.no_paths));
  }
  D.paths.forEach(function (p) {
    var li = el("li");
    li.setAttribute("data-path-id", p.id);
    li.appendChild(el("div", "gr-path-title", fmt(UI.path_title, { id: p.id, score: p.score, title: p.title })));
    li.appendChild(el("div", null, p.explanation));
    var recs = el("ul", "gr-path-records");
    p.records.forEach(function (r) { recs.appendChild(el("li", null, r)); });
    li.appendChild(recs);
    if (!p.shown) { li.appendChild(el("div", "gr-hint", UI.path_cut)); }
    li.addEventListener("click", function () { showPath(p.id); });
    plist.appendChild(li);
  });

  // ------------------------------------------------------------ timeline: a path's record shows its path
  var tlsvg = document.getElementById("gr-timeline-svg");
  if (tlsvg) {
    tlsvg.addEventListener("click", function (ev) {
      var c = ev.target;
      if (!c || !c.getAttribute) { return; }
      var ps = (c.getAttribute("data-paths") || "").split(" ").filter(Boolean);
      if (ps.length) { showPath(ps[0]); }
    });
  }
}());
