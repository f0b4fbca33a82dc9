/* proj viz: drawing the graph (SVG), layer bands, run status badges and dataset rows,
 * pan and zoom, the minimap, selection highlights, search and picked nodes. Extends the
 * Viz of viz.js; loaded after it. */
(function () {
  "use strict";

  var Viz = window.projViz.Viz;
  var u = window.projViz.util;
  var SVGNS = u.SVGNS, esc = u.esc;

  function number(value) {
    return value.toLocaleString("en-US");
  }

  function bytes(value) {
    if (value === null || value === undefined) return "";
    if (value < 1024) return value + " B";
    var units = ["KB", "MB", "GB", "TB"], v = value / 1024, i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return v.toFixed(v < 10 ? 1 : 0) + " " + units[i];
  }
  u.bytes = bytes;
  u.number = number;

  /* The short text under a dataset: its rows and bytes in the run shown. */
  function saveText(save) {
    if (!save) return "";
    var parts = [];
    if (save.rows !== null && save.rows !== undefined) {
      parts.push((save.dropped ? "\u2193 " + number(save.previous_rows) + " \u2192 " : "") +
        number(save.rows) + " rows");
    }
    if (save.bytes !== null && save.bytes !== undefined) parts.push(bytes(save.bytes));
    return parts.join(" \u00b7 ");
  }
  Viz.saveText = saveText;

  /* Whether a route's end point lies on box `p` (centre x, y; size w, h). */
  function onBox(point, p) {
    return Math.abs(point.x - p.x) <= p.w / 2 + 1 && Math.abs(point.y - p.y) <= p.h / 2 + 1;
  }

  /* The middle of the top or bottom side of box `p`, whichever faces `toward`. */
  function sidePoint(p, toward) {
    return { x: p.x, y: toward.y >= p.y ? p.y + p.h / 2 : p.y - p.h / 2 };
  }

  /* An SVG path of a uniform cubic B-spline through the route's control points (the
     curve starts and ends on the first and last points). */
  function basis(points) {
    function f(v) { return v.toFixed(1); }
    if (points.length === 2) {
      return "M" + f(points[0].x) + "," + f(points[0].y) + " L" + f(points[1].x) + "," + f(points[1].y);
    }
    var p = [points[0]].concat(points, [points[points.length - 1]]);
    var d = "M" + f(points[0].x) + "," + f(points[0].y);
    for (var i = 1; i < p.length - 2; i++) {
      var p0 = p[i - 1], p1 = p[i], p2 = p[i + 1], p3 = p[i + 2];
      if (i === 1) d += " L" + f((p0.x + 4 * p1.x + p2.x) / 6) + "," + f((p0.y + 4 * p1.y + p2.y) / 6);
      d += " C" + f((2 * p1.x + p2.x) / 3) + "," + f((2 * p1.y + p2.y) / 3) + " " +
        f((p1.x + 2 * p2.x) / 3) + "," + f((p1.y + 2 * p2.y) / 3) + " " +
        f((p1.x + 4 * p2.x + p3.x) / 6) + "," + f((p1.y + 4 * p2.y + p3.y) / 6);
    }
    var last = points[points.length - 1];
    return d + " L" + f(last.x) + "," + f(last.y);
  }

  /* ------------------------------------------------------------------ drawing */

  /* Above this many vertices only the part of the graph around the view is put in the
     page (the browser's style and layout work grows with every SVG element: seconds at
     10,000 vertices); panning or zooming out of it draws the new part. */
  var VIRTUAL_ABOVE = 3000;

  /* The graph area (graph coordinates) the view shows, grown by `margin` views. */
  Viz.prototype.viewBounds = function (margin) {
    var k = this.zoom.k, width = this.canvas.clientWidth || 1400, height = this.canvas.clientHeight || 900;
    var x0 = -this.zoom.x / k, y0 = -this.zoom.y / k, w = width / k, h = height / k;
    return { x0: x0 - margin * w, y0: y0 - margin * h, x1: x0 + w + margin * w, y1: y0 + h + margin * h };
  };

  Viz.prototype.render = function (view, layout) {
    var parts = [];
    var bounds = view.vertices.size > VIRTUAL_ABOVE ? this.viewBounds(1) : null;
    this.virtual = bounds;
    function inside(p) {
      return !bounds || (p.x + p.w / 2 >= bounds.x0 && p.x - p.w / 2 <= bounds.x1 &&
        p.y + p.h / 2 >= bounds.y0 && p.y - p.h / 2 <= bounds.y1);
    }
    var marker = this.uid + "-arrow";
    parts.push('<svg xmlns="' + SVGNS + '" role="img" aria-label="pipeline graph"><defs>' +
      '<marker id="' + marker + '" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto-start-reverse">' +
      '<path d="M0,0 L10,5 L0,10 z" fill="#8a96a3"/></marker></defs>' +
      '<g class="pv-viewport">');
    if (layout.bands && layout.bands.length) {
      var left = -40, right = Math.max(layout.width, 200) + 40;
      parts.push('<g class="pv-bands">');
      layout.bands.forEach(function (band, k) {
        parts.push('<g class="pv-band" data-layer="' + esc(band.layer) + '"><rect class="pv-band-' + (k % 2) +
          '" x="' + left + '" y="' + band.y0.toFixed(1) + '" width="' + (right - left) +
          '" height="' + Math.max(band.y1 - band.y0, 1).toFixed(1) + '"/><text x="' + (left + 6) +
          '" y="' + (band.y0 + 14).toFixed(1) + '">' + esc(band.layer) + '</text></g>');
      });
      parts.push('</g>');
    }
    parts.push('<g class="pv-containers">');
    view.containers.forEach(function (c) {
      var b = layout.boxes[c.id];
      if (!b) return;
      parts.push('<g class="pv-container" data-ns="' + esc(c.path) + '">' +
        '<rect x="' + b.x.toFixed(1) + '" y="' + b.y.toFixed(1) + '" width="' + b.w.toFixed(1) + '" height="' + b.h.toFixed(1) + '" rx="6"/>' +
        '<text x="' + (b.x + 8).toFixed(1) + '" y="' + (b.y + 16).toFixed(1) + '" data-collapse="' + esc(c.path) + '">\u229f ' + esc(c.label) + '</text></g>');
    });
    parts.push('</g><g class="pv-edges">');
    var positions = layout.positions;
    view.edges.forEach(function (edge, index) {
      var a = positions[edge[0]], b = positions[edge[1]];
      if (!a || !b || !(inside(a) || inside(b))) return;
      var route = layout.routes[edge[0] + "\u0001" + edge[1]];
      var d;
      if (route && route.length >= 2) {
        /* A route dagre made for a lifted edge ends on a namespace's box: extend it
           to the real node or dataset inside. */
        var points = route.slice();
        if (!onBox(points[0], a)) points.unshift(sidePoint(a, points[0]));
        if (!onBox(points[points.length - 1], b)) points.push(sidePoint(b, points[points.length - 1]));
        d = basis(points);
      } else {
        var x1 = a.x, y1 = a.y + a.h / 2, x2 = b.x, y2 = b.y - b.h / 2;
        if (y2 < y1) { y1 = a.y - a.h / 2; y2 = b.y + b.h / 2; }
        var mid = (y1 + y2) / 2;
        d = "M" + x1.toFixed(1) + "," + y1.toFixed(1) + " C" + x1.toFixed(1) + "," + mid.toFixed(1) + " " +
          x2.toFixed(1) + "," + mid.toFixed(1) + " " + x2.toFixed(1) + "," + y2.toFixed(1);
      }
      parts.push('<path class="pv-edge" data-e="' + index + '" d="' + d + '" marker-end="url(#' + marker + ')"/>');
    });
    parts.push('</g><g class="pv-vertices">');
    view.vertices.forEach(function (v) {
      var p = positions[v.id];
      if (!p || !inside(p)) return;
      var x = p.x - v.w / 2, y = p.y - v.h / 2;
      var classes = "pv-vertex pv-" + v.kind;
      var extra = "";
      var textX = v.w / 2;
      var name = v.kind === "group" ? v.title : v.item.name;
      if (v.kind === "dataset" && v.item.parameter) classes += " pv-param";
      if (v.kind === "node") {
        /* Painted by paintStatus, and repainted in place when the run status changes. */
        extra = '<circle class="pv-badge" cx="12" cy="' + (v.h / 2) + '" r="5"/>';
        textX += 6;
      } else if (v.kind === "dataset") {
        extra = '<text class="pv-stat" x="' + (v.w / 2) + '" y="' + (v.h + 9) + '" text-anchor="middle"></text>';
      }
      var shape = v.kind === "node" ? 'rx="4"' : v.kind === "dataset" ? 'rx="' + (v.h / 2) + '"' : 'rx="6"';
      parts.push('<g class="' + classes + '" data-id="' + esc(v.id) + '" data-name="' + esc(name) + '" transform="translate(' +
        x.toFixed(1) + "," + y.toFixed(1) + ')">' + (bounds ? "" : "<title>" + esc(name) + "</title>") +
        '<rect class="pv-box" width="' + v.w + '" height="' + v.h + '" ' + shape + '/>' +
        (v.kind === "group" ? '<rect class="pv-box2" x="3" y="3" width="' + (v.w - 6) + '" height="' + (v.h - 6) + '" rx="4"/>' : "") +
        (v.kind === "node" ? extra : "") + '<text x="' + textX + '" y="' + (v.h / 2) + '" dy="0.35em" text-anchor="middle">' +
        (v.kind === "group" ? "\u229e " : "") + esc(v.label) + '</text>' + (v.kind === "node" ? "" : extra) + '</g>');
    });
    parts.push('</g></g></svg>');

    var old = this.canvas.querySelector("svg");
    if (old) old.remove();
    this.canvas.insertAdjacentHTML("afterbegin", parts.join(""));
    this.svg = this.canvas.querySelector("svg");
    this.viewport = this.svg.querySelector(".pv-viewport");
    var vertices = new Map();
    this.svg.querySelectorAll(".pv-vertex").forEach(function (element) {
      vertices.set(element.getAttribute("data-id"), element);
    });
    var edges = [];
    this.svg.querySelectorAll(".pv-edge").forEach(function (element) {
      var edge = view.edges[Number(element.getAttribute("data-e"))];
      edges.push({ element: element, s: edge[0], t: edge[1] });
    });
    this.rendered = { vertices: vertices, edges: edges };
    this.paintStatus();
    this.drawMinimap();
    this.applyTransform();
    this.applySelection();
    this.applySearch();
    this.updatePicks();
  };

  /* ------------------------------------------------------------------ run status */

  /* Paint node badges and dataset rows from the items' current run records, in place. */
  Viz.prototype.paintStatus = function () {
    if (!this.rendered) return;
    var self = this;
    this.rendered.vertices.forEach(function (element, id) {
      var item = self.items.get(id);
      if (!item) return;
      if (item.kind === "node") {
        var run = item.data.last_run;
        var badge = element.querySelector(".pv-badge");
        var status = run ? run.status : "none";
        badge.setAttribute("class", "pv-badge pv-status-" + status + (run && !run.latest && !self.state.run ? " pv-stale" : ""));
        element.classList.toggle("pv-failed", status === "failed");
        element.setAttribute("data-status", status);
      } else if (item.kind === "dataset") {
        var save = item.data.last_save;
        var label = element.querySelector(".pv-stat");
        if (!label) return;
        label.textContent = saveText(save);
        label.classList.toggle("pv-drop", Boolean(save && save.dropped));
        element.classList.toggle("pv-dropped", Boolean(save && save.dropped));
      }
    });
  };

  /* ------------------------------------------------------------------ pan & zoom */

  Viz.prototype.applyTransform = function () {
    if (this.viewport) {
      this.viewport.setAttribute("transform", "translate(" + this.zoom.x.toFixed(1) + "," +
        this.zoom.y.toFixed(1) + ") scale(" + this.zoom.k.toFixed(4) + ")");
    }
    this.drawViewBox();
    if (this.virtual) this.followView();
  };

  /* With a partly drawn graph: once the view leaves the drawn part, draw around it. */
  Viz.prototype.followView = function () {
    var self = this, drawn = this.virtual, now = this.viewBounds(0);
    if (now.x0 >= drawn.x0 && now.y0 >= drawn.y0 && now.x1 <= drawn.x1 && now.y1 <= drawn.y1) return;
    clearTimeout(this.followTimer);
    this.followTimer = setTimeout(function () {
      if (self.view && self.layout && self.virtual) self.render(self.view, self.layout);
    }, 60);
  };

  Viz.prototype.fit = function () {
    if (!this.layout) return;
    var width = this.canvas.clientWidth || 800, height = this.canvas.clientHeight || 600;
    var w = Math.max(this.layout.width, 1), gh = Math.max(this.layout.height, 1);
    var k = Math.min((width - 40) / w, (height - 40) / gh, 1.5);
    k = Math.max(k, 0.02);
    this.zoom = { k: k, x: (width - w * k) / 2, y: Math.max(20, (height - gh * k) / 2) };
    this.applyTransform();
  };

  /* The view after a layout: the whole graph when it fits at a readable zoom, else the
     top of the graph (the pipeline's inputs) at a readable zoom, centred on the top
     rows. Never a fit that shrinks labels below reading size. */
  Viz.prototype.firstView = function () {
    if (!this.layout) return;
    var width = this.canvas.clientWidth || 800, height = this.canvas.clientHeight || 600;
    var w = Math.max(this.layout.width, 1), gh = Math.max(this.layout.height, 1);
    var k = Math.min((width - 40) / w, (height - 40) / gh, 1.5);
    if (k >= u.READABLE) { this.fit(); return; }
    k = u.READABLE;
    var sum = 0, count = 0, positions = this.layout.positions;
    Object.keys(positions).forEach(function (id) {
      var p = positions[id];
      if (p.y < 120) { sum += p.x; count++; }
    });
    var cx = count ? sum / count : w / 2;
    cx = Math.min(Math.max(cx, (width / 2 - 20) / k), w - (width / 2 - 20) / k);
    if (w * k <= width - 40) cx = w / 2;
    this.zoom = { k: k, x: width / 2 - cx * k, y: 20 };
    this.applyTransform();
  };

  /* ------------------------------------------------------------------ minimap */

  /* The whole graph in a small canvas (vertices as dots, namespaces as boxes); the
     view's rectangle on top. Click or drag in it to move the view there. */
  Viz.prototype.drawMinimap = function () {
    var map = this.minimap, layout = this.layout;
    if (!map || !layout) return;
    var W = map.width, H = map.height, pad = 4;
    var gw = Math.max(layout.width, 1), gh = Math.max(layout.height, 1);
    var s = Math.min((W - 2 * pad) / gw, (H - 2 * pad) / gh);
    this.mini = { s: s, ox: (W - gw * s) / 2, oy: (H - gh * s) / 2 };
    var base = document.createElement("canvas");
    base.width = W; base.height = H;
    var g = base.getContext("2d");
    if (!g) return;
    var m = this.mini;
    g.fillStyle = "#ffffff"; g.fillRect(0, 0, W, H);
    g.strokeStyle = "#9c88c4"; g.lineWidth = 1;
    Object.keys(layout.boxes).forEach(function (id) {
      var b = layout.boxes[id];
      g.strokeRect(m.ox + b.x * s, m.oy + b.y * s, b.w * s, b.h * s);
    });
    /* One path per colour: setting a fill style per vertex costs seconds at 10,000. */
    var paths = { node: new Path2D(), dataset: new Path2D(), group: new Path2D(), failed: new Path2D() };
    var items = this.items;
    Object.keys(layout.positions).forEach(function (id) {
      var p = layout.positions[id];
      var kind = id.charAt(0) === "d" ? "dataset" : id.charAt(0) === "n" && id.charAt(1) === "s" ? "group" : "node";
      if (kind === "node") {
        var item = items.get(id);
        if (item && item.data.last_run && item.data.last_run.status === "failed") kind = "failed";
      }
      paths[kind].rect(m.ox + (p.x - p.w / 2) * s, m.oy + (p.y - p.h / 2) * s, Math.max(p.w * s, 1.5), Math.max(p.h * s, 1.5));
    });
    [["dataset", "#5a7fa8"], ["group", "#6b4fa0"], ["node", "#4a5568"], ["failed", "#e03131"]].forEach(function (pair) {
      g.fillStyle = pair[1];
      g.fill(paths[pair[0]]);
    });
    this.miniBase = base;
    this.drawViewBox();
    if (!this.miniBound) this.bindMinimap();
  };

  Viz.prototype.drawViewBox = function () {
    var map = this.minimap, m = this.mini;
    if (!map || !m || !this.miniBase) return;
    var g = map.getContext("2d");
    if (!g) return;
    g.clearRect(0, 0, map.width, map.height);
    g.drawImage(this.miniBase, 0, 0);
    var k = this.zoom.k, width = this.canvas.clientWidth, height = this.canvas.clientHeight;
    g.strokeStyle = "#e8590c"; g.lineWidth = 1.5;
    g.strokeRect(m.ox + (-this.zoom.x / k) * m.s, m.oy + (-this.zoom.y / k) * m.s, width / k * m.s, height / k * m.s);
  };

  Viz.prototype.bindMinimap = function () {
    var self = this, map = this.minimap, down = false;
    this.miniBound = true;
    function move(event) {
      var m = self.mini;
      if (!m) return;
      var rect = map.getBoundingClientRect();
      var gx = (event.clientX - rect.left - m.ox) / m.s, gy = (event.clientY - rect.top - m.oy) / m.s;
      var k = self.zoom.k;
      self.zoom = { k: k, x: self.canvas.clientWidth / 2 - gx * k, y: self.canvas.clientHeight / 2 - gy * k };
      self.applyTransform();
    }
    map.addEventListener("pointerdown", function (event) { event.stopPropagation(); down = true; move(event); });
    map.addEventListener("pointermove", function (event) { if (down) { event.stopPropagation(); move(event); } });
    map.addEventListener("pointerup", function (event) { event.stopPropagation(); down = false; });
    map.addEventListener("pointerleave", function () { down = false; });
    map.addEventListener("click", function (event) { event.stopPropagation(); });
    map.addEventListener("wheel", function (event) { event.stopPropagation(); }, { passive: true });
  };

  Viz.prototype.zoomBy = function (factor, cx, cy) {
    var width = this.canvas.clientWidth, height = this.canvas.clientHeight;
    if (cx === undefined) { cx = width / 2; cy = height / 2; }
    var k = Math.min(Math.max(this.zoom.k * factor, 0.02), 4);
    var ratio = k / this.zoom.k;
    this.zoom = { k: k, x: cx - (cx - this.zoom.x) * ratio, y: cy - (cy - this.zoom.y) * ratio };
    this.applyTransform();
  };

  Viz.prototype.center = function (id) {
    var vertexId = this.view && (this.view.vertices.has(id) ? id : this.view.repOf.get(id));
    var p = vertexId && this.layout && this.layout.positions[vertexId];
    if (!p) return;
    var k = Math.max(this.zoom.k, u.READABLE);
    this.zoom = { k: k, x: this.canvas.clientWidth / 2 - p.x * k, y: this.canvas.clientHeight / 2 - p.y * k };
    this.applyTransform();
  };

  Viz.prototype.bindCanvas = function () {
    var self = this, canvas = this.canvas, drag = null;
    canvas.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      drag = { x: event.clientX, y: event.clientY, zx: self.zoom.x, zy: self.zoom.y, moved: false };
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drag) return;
      var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      if (!drag.moved) { drag.moved = true; canvas.classList.add("pv-dragging"); }
      self.zoom.x = drag.zx + dx;
      self.zoom.y = drag.zy + dy;
      self.applyTransform();
    });
    function end() {
      canvas.classList.remove("pv-dragging");
      setTimeout(function () { drag = null; }, 0);
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointerleave", end);
    canvas.addEventListener("wheel", function (event) {
      event.preventDefault();
      var rect = canvas.getBoundingClientRect();
      self.zoomBy(event.deltaY < 0 ? 1.15 : 1 / 1.15, event.clientX - rect.left, event.clientY - rect.top);
    }, { passive: false });
    canvas.addEventListener("click", function (event) {
      if (drag && drag.moved) return;
      var collapse = event.target.closest("[data-collapse]");
      if (collapse) { self.setExpanded(collapse.getAttribute("data-collapse"), false); return; }
      var vertex = event.target.closest(".pv-vertex");
      if (!vertex) { self.select(null); return; }
      var id = vertex.getAttribute("data-id");
      if (id.indexOf("ns:") === 0) { self.setExpanded(id.slice(3), true); return; }
      if (event.shiftKey && id.indexOf("node:") === 0) { self.pick(id.slice(5)); return; }
      self.select(id);
    });
  };

  /* ------------------------------------------------------------------ selection */

  Viz.prototype.select = function (id) {
    this.state.selected = id;
    this.applySelection();
    this.writeHash();
  };

  Viz.prototype.applySelection = function () {
    if (!this.rendered) return;
    var st = this.state, view = this.view, rendered = this.rendered;
    var selected = st.selected;
    var vertexId = selected && (view.vertices.has(selected) ? selected : view.repOf.get(selected));
    rendered.vertices.forEach(function (element) {
      element.classList.remove("pv-selected", "pv-up", "pv-down");
    });
    rendered.edges.forEach(function (entry) { entry.element.classList.remove("pv-up", "pv-down"); });
    this.svg.classList.toggle("pv-focus", Boolean(vertexId));
    if (!vertexId) { this.showDetails(null); return; }
    function reach(start, next) {
      var seen = new Set([start]), stack = [start];
      while (stack.length) {
        next.get(stack.pop()).forEach(function (other) {
          if (!seen.has(other)) { seen.add(other); stack.push(other); }
        });
      }
      seen.delete(start);
      return seen;
    }
    var up = reach(vertexId, view.preds), down = reach(vertexId, view.succs);
    up.forEach(function (id) { var e = rendered.vertices.get(id); if (e) e.classList.add("pv-up"); });
    down.forEach(function (id) { var e = rendered.vertices.get(id); if (e) e.classList.add("pv-down"); });
    var element = rendered.vertices.get(vertexId);
    if (element) element.classList.add("pv-selected");
    rendered.edges.forEach(function (entry) {
      if ((up.has(entry.s) || entry.s === vertexId) && (up.has(entry.t) || entry.t === vertexId)) entry.element.classList.add("pv-up");
      else if ((down.has(entry.s) || entry.s === vertexId) && (down.has(entry.t) || entry.t === vertexId)) entry.element.classList.add("pv-down");
    });
    this.showDetails(selected);
  };


  /* ------------------------------------------------------------------ search & picks */

  Viz.prototype.applySearch = function () {
    if (!this.rendered) return;
    var query = (this.state.query || "").trim().toLowerCase();
    var view = this.view, self = this;
    var matches = [];
    var hit = new Set();
    if (query) {
      view.visible.forEach(function (id) {
        var item = self.items.get(id);
        if (item.name.toLowerCase().indexOf(query) >= 0) {
          matches.push(id);
          hit.add(view.repOf.get(id));
        }
      });
      view.vertices.forEach(function (v, id) {
        if (v.kind === "group" && v.path.toLowerCase().indexOf(query) >= 0) hit.add(id);
      });
    }
    this.matches = matches;
    this.svg.classList.toggle("pv-searching", Boolean(query));
    this.rendered.vertices.forEach(function (element, id) {
      element.classList.toggle("pv-match", hit.has(id));
    });
  };

  /* Show one item: open the namespaces and groups that hold it (laying the graph out
     again), then select it and centre the view on it. */
  Viz.prototype.reveal = function (id) {
    if (!id || !this.view) return Promise.resolve();
    var view = this.view, st = this.state;
    var rep = view.repOf.get(id);
    if (rep === undefined || rep === id) {
      this.select(id); this.center(id);
      return Promise.resolve();
    }
    var item = this.items.get(id);
    var path = view.groups.of.get(id);
    if (path === undefined) path = item.namespace;
    while (path) { st.expanded.add(path); path = u.parentPath(path); }
    this.expandedTouched = true;
    this.focusAfterLayout = id;
    return this.changed("reveal");
  };

  Viz.prototype.pick = function (name) {
    var st = this.state;
    if (!st.from || (st.from && st.to)) { st.from = name; st.to = null; }
    else st.to = name;
    this.updatePicks();
    this.writeHash();
  };

  Viz.prototype.updatePicks = function () {
    var st = this.state;
    if (this.rendered) {
      this.rendered.vertices.forEach(function (element, id) {
        element.classList.toggle("pv-picked", id === "node:" + st.from || id === "node:" + st.to);
      });
    }
    this.updateCommand();
  };

})();
