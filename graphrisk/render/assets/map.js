/* graphrisk map: builds the page from the JSON data block with DOM text nodes only (never innerHTML).
 *
 * Exposes:
 *   window.graphriskMap     summary {nodes, edges, records, omitted, omittedRecords, paths, mode,
 *                           stabilized, stabilizedMs, selected, visibleEdges, timings}
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
    stabilizedMs: null, selected: null, visibleEdges: meta.edges, timings: timings
  };
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
    if (r.source) { bits.push("source " + r.source); }
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
      var d = (e.records[i].date || "").slice(0, 10);
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
    var t = state.nodes.toLocaleString("en") + " nodes, " + state.edges.toLocaleString("en") + " lines (" +
      state.records.toLocaleString("en") + " records)";
    if (state.visibleEdges !== state.edges) {
      t += "; " + state.visibleEdges.toLocaleString("en") + " lines shown with the filters";
    }
    $("gr-counts").textContent = t;
  }
  updateCounts();
  if (meta.note) {
    $("gr-note").textContent = meta.note;
    $("gr-note").hidden = false;
  }

  // ------------------------------------------------------------ legend and toggles
  var GLYPH = { star: "★", dot: "●", square: "■", diamond: "◆", triangle: "▲", triangleDown: "▼" };
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
    row.appendChild(el("span", null, "Official ring: " + l.label));
    legend.appendChild(row);
  });
  if (D.paths.length) {
    var prow = el("div", "gr-legend-row");
    var pl = el("span", "gr-line");
    pl.style.borderTopColor = "#e31a1c";
    pl.style.boxShadow = "0 0 6px 2px rgba(227,26,28,0.7)";
    prow.appendChild(pl);
    prow.appendChild(el("span", null, "Glow: on a conflict path"));
    legend.appendChild(prow);
  }
  var nl = el("p", "gr-hint", "Size: " + meta.centrality + " centrality. Line width: amount and number of " +
    "records; ×N: N records collapsed into one line.");
  legend.appendChild(nl);

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
    lab.appendChild(el("span", "gr-count", k.records.toLocaleString("en")));
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

  // ------------------------------------------------------------ details and tooltips
  var details = $("gr-details");
  function nodeBlock(id, full) {
    var n = byId[id];
    var box = el("div");
    box.appendChild(el("strong", null, n.name));
    box.appendChild(kvTable(n.info));
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
      list.appendChild(el("li", "gr-hint", "… and " + (e.records.length - limit) + " more (click the line)"));
    }
    box.appendChild(list);
    if (full) {
      var files = {};
      e.records.forEach(function (r) { if (r.path) { files[r.path] = true; } });
      Object.keys(files).sort().forEach(function (f) { box.appendChild(el("p", "gr-hint", "File: " + f)); });
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
      state.selected = p.nodes[0];
      document.body.setAttribute("data-selected", p.nodes[0]);
      showDetails(nodeBlock(p.nodes[0], true));
    } else if (p.edges.length) {
      showDetails(edgeBlock(p.edges[0], true));
    }
  });

  // ------------------------------------------------------------ search
  var names = $("gr-names");
  D.nodes.forEach(function (n) {
    var o = el("option");
    o.value = n.name;
    o.label = n.id + " · " + n.kind;
    names.appendChild(o);
  });
  function findNodes(q) {
    q = q.trim().toLowerCase();
    if (!q) { return []; }
    var tests = [
      function (n) { return n.id.toLowerCase() === q; },
      function (n) { return n.name.toLowerCase() === q; },
      function (n) { return n.name.toLowerCase().indexOf(q) >= 0; },
      function (n) { return n.id.toLowerCase().indexOf(q) >= 0; }
    ];
    for (var t = 0; t < tests.length; t++) {
      var found = D.nodes.filter(tests[t]);
      if (found.length) { return found.map(function (n) { return n.id; }); }
    }
    return [];
  }
  function focusNode(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: false });
    state.selected = id;
    document.body.setAttribute("data-selected", id);
    showDetails(nodeBlock(id, true));
  }
  window.graphriskFocus = focusNode;
  $("gr-search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = $("gr-search").value;
    var found = findNodes(q);
    var msg = $("gr-search-msg");
    if (!found.length) { msg.textContent = "No node matches"; return; }
    focusNode(found[0]);
    msg.textContent = found.length > 1 ? found.length + " matches; showing " + found[0] + " (type an id)" :
      "Found " + found[0];
  });

  // ------------------------------------------------------------ conflict paths
  var plist = $("gr-paths");
  $("gr-paths-count").textContent = "(" + D.paths.length + ")";
  if (!D.paths.length) {
    plist.appendChild(el("li", "gr-hint", "No conflict path on this map."));
  }
  D.paths.forEach(function (p) {
    var li = el("li");
    li.setAttribute("data-path-id", p.id);
    li.appendChild(el("div", "gr-path-title", p.id + " · score " + p.score + " · " + p.title));
    li.appendChild(el("div", null, p.explanation));
    var recs = el("ul", "gr-path-records");
    p.records.forEach(function (r) { recs.appendChild(el("li", null, r)); });
    li.appendChild(recs);
    if (!p.shown) { li.appendChild(el("div", "gr-hint", "Part of this path is outside the map (node cap).")); }
    li.addEventListener("click", function () {
      Array.prototype.forEach.call(plist.children, function (c) { c.classList.remove("active"); });
      li.classList.add("active");
      var ns = p.nodes.filter(function (n) { return byId[n]; });
      var es = p.edges.filter(function (e) { return edgesView.get(e) !== null; });
      network.setSelection({ nodes: ns, edges: es }, { unselectAll: true, highlightEdges: false });
      if (ns.length) { network.fit({ nodes: ns, animation: false }); }
    });
    plist.appendChild(li);
  });
}());
