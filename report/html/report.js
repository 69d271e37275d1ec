// report.html's only script. The page reads complete without it; with it,
// tables sort by a click on a column heading, a box above each long
// section filters its rows, the large diagram zooms, and a link to an item
// inside a closed section opens it. The Content-Security-Policy allows
// this exact text by its hash, and nothing else.
(function () {
  "use strict";
  var doc = document;
  function groupsOf(table) { return Array.prototype.slice.call(table.tBodies); }
  function keyOf(group, col) {
    var row = group.rows[0], cell = row && row.cells[col];
    if (!cell) { return ""; }
    var k = cell.getAttribute("data-sort");
    return k !== null ? k : cell.textContent.trim().toLowerCase();
  }
  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (!isNaN(x) && !isNaN(y) && String(x) === a && String(y) === b) { return x - y; }
    return a < b ? -1 : a > b ? 1 : 0;
  }
  doc.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      var b = doc.createElement("button");
      b.type = "button";
      b.className = "sort";
      b.textContent = th.textContent;
      b.title = "Sort by " + th.textContent;
      th.textContent = "";
      th.appendChild(b);
      b.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
        var groups = groupsOf(table).map(function (g, i) { return { g: g, k: keyOf(g, col), i: i }; });
        groups.sort(function (p, q) { return dir * compare(p.k, q.k) || p.i - q.i; });
        groups.forEach(function (p) { table.appendChild(p.g); });
      });
    });
  });
  doc.querySelectorAll("[data-filter]").forEach(function (scope) {
    var groups = [];
    scope.querySelectorAll("table.sortable").forEach(function (t) { groups = groups.concat(groupsOf(t)); });
    if (!groups.length) { return; }
    var box = doc.createElement("div");
    box.className = "filter";
    var input = doc.createElement("input");
    input.type = "search";
    input.placeholder = "Filter " + scope.getAttribute("data-filter") + " (name, ARN, principal, severity…)";
    input.setAttribute("aria-label", input.placeholder);
    var count = doc.createElement("span");
    count.className = "muted";
    box.appendChild(input);
    box.appendChild(count);
    var at = scope.querySelector("[data-filter-here]") || scope.firstElementChild;
    at.parentNode.insertBefore(box, at.nextSibling);
    var texts = groups.map(function (g) { return g.textContent.toLowerCase(); });
    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
      groups.forEach(function (g, i) {
        var hit = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
        g.hidden = !hit;
        if (hit) { shown++; }
      });
      scope.querySelectorAll("details[data-count]").forEach(function (d) {
        var n = 0;
        d.querySelectorAll("tbody").forEach(function (g) { if (!g.hidden) { n++; } });
        d.hidden = n === 0;
        if (words.length && n > 0) { d.open = true; }
        var c = d.querySelector(":scope > summary .count");
        if (c) { c.textContent = words.length ? n + " of " + d.getAttribute("data-count") : d.getAttribute("data-count"); }
      });
      count.textContent = words.length ? " " + shown + " of " + groups.length + " shown" : " " + groups.length + " in all";
    }
    input.addEventListener("input", apply);
    apply();
  });
  doc.querySelectorAll(".zoomable").forEach(function (box) {
    var svg = box.querySelector("svg"), scale = 1;
    if (!svg) { return; }
    var w = +svg.getAttribute("data-w"), h = +svg.getAttribute("data-h");
    var bar = doc.createElement("div");
    bar.className = "zoombar";
    function set(s) {
      scale = Math.max(0.05, Math.min(4, s));
      svg.setAttribute("width", Math.round(w * scale));
      svg.setAttribute("height", Math.round(h * scale));
    }
    [["−", function () { set(scale / 1.25); }], ["+", function () { set(scale * 1.25); }],
     ["fit", function () { set(Math.min(1, (box.clientWidth - 4) / w)); }], ["100%", function () { set(1); }]].forEach(function (c) {
      var b = doc.createElement("button");
      b.type = "button";
      b.textContent = c[0];
      b.addEventListener("click", c[1]);
      bar.appendChild(b);
    });
    box.parentNode.insertBefore(bar, box);
    set(Math.min(1, (box.clientWidth - 4) / w));
  });
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1)), el = id && doc.getElementById(id);
    for (var p = el; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") { p.open = true; }
    }
    if (el) { el.scrollIntoView(); }
  }
  window.addEventListener("hashchange", reveal);
  if (location.hash) { reveal(); }
})();
