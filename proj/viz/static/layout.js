/* proj viz: layered layout of the visible graph, namespace by namespace: dagre for
 * small graphs, our own layered layout (projVizLayered, below) for large ones.
 *
 * Runs in a Web Worker (or, where workers are not allowed, on the page). The request
 * lists the visible vertices (nodes, datasets and collapsed namespaces, each with its
 * size and the expanded namespace it sits in), the expanded namespaces ("containers")
 * and the edges. Each container is laid out on its own, innermost first: its children
 * (vertices and child containers, the latter as boxes of their laid-out size) go into
 * one dagre graph, with edges lifted to the children that hold their ends. The results
 * are cached by content, so expanding one namespace or filtering lays out again only
 * the containers whose contents changed.
 *
 * Layers (catalog `metadata: kedro-viz: layer:`) become horizontal bands: the request
 * gives the layer index of top-level vertices, and invisible zero-size "anchor"
 * vertices between consecutive layers, joined by edges to the datasets of the layers
 * above and below them, keep each layer's datasets between its two anchors, whatever
 * engine lays the graph out. The anchors' heights are the bands' edges.
 *
 * Expects the global `dagre` (the vendored @dagrejs/dagre bundle placed before it).
 */
"use strict";

var PROJ_VIZ_PAD = 14;      /* space inside a container, px */
var PROJ_VIZ_HEADER = 24;   /* height of a container's title, px */
/* dagre's options by the number of children of one container. Its default ranker
   ("network-simplex") draws the tightest graphs but its time grows fastest; "tight-tree"
   is close in looks and far quicker on hundreds of vertices ("longest-path", quicker
   still alone, pulls every sink to the bottom rank, and the long edges it makes cost
   more than it saves). Above PROJ_VIZ_BIG children, dagre keeps its first ordering of
   each rank instead of sweeping for fewer crossings. */
var PROJ_VIZ_MEDIUM = 150;  /* above this many children, "tight-tree" */
var PROJ_VIZ_BIG = 600;     /* above this many, no crossing-reduction sweeps */
/* Above this many children, projVizLayered instead of dagre. Measured in Chromium
   (benchmarks/viz.py): dagre takes about 1.3 s for one container of 200 vertices and
   grows faster than linearly; projVizLayered lays out 10,000 vertices in about 0.1 s.
   dagre's drawings of small graphs are tidier (it routes long edges around vertices),
   so it keeps them. */
var PROJ_VIZ_OWN = 30;
var PROJ_VIZ_NODESEP = 16, PROJ_VIZ_RANKSEP = 34;
var PROJ_VIZ_ANCHOR = "\u0003layer:";

/* A layered ("Sugiyama") layout that stays near-linear in vertices + edges:
   ranks by longest path from the sources (sources then pulled down next to their first
   consumer), a few barycentre sweeps to order each rank, and x positions that are as
   close as possible to the mean of each vertex's neighbours while keeping vertices
   apart (isotonic regression by pool-adjacent-violators, exact and linear per rank).
   Cycles (possible between collapsed namespaces) are broken by ignoring the edges
   that close them. Edges get no routes: the page draws them as curves.

   children: [id]; size: id -> {w, h}; edges: [[from, to], ...] between children.
   Returns {pos: id -> {x, y} centres, routes: {}, w, h}. */
function projVizLayered(children, size, edges) {
  var n = children.length;
  var index = Object.create(null);
  children.forEach(function (c, i) { index[c] = i; });
  var outs = [], ins = [], i, j;
  for (i = 0; i < n; i++) { outs.push([]); ins.push([]); }
  var seen = new Set();
  edges.forEach(function (e) {
    var a = index[e[0]], b = index[e[1]];
    if (a === undefined || b === undefined || a === b) return;
    var key = a * n + b;
    if (seen.has(key)) return;
    seen.add(key);
    outs[a].push(b); ins[b].push(a);
  });

  /* Ranks: Kahn's order; when only cycles are left, take the earliest remaining vertex. */
  var indeg = new Int32Array(n), done = new Uint8Array(n), rank = new Int32Array(n);
  for (i = 0; i < n; i++) indeg[i] = ins[i].length;
  var queue = [], order = [], head = 0, next = 0;
  for (i = 0; i < n; i++) if (!indeg[i]) queue.push(i);
  while (order.length < n) {
    if (head === queue.length) {
      while (done[next]) next++;
      queue.push(next);   /* only cycles are left: break one at the earliest vertex */
    }
    var v = queue[head++];
    if (done[v]) continue;
    done[v] = 1;
    order.push(v);
    var r = 0;
    ins[v].forEach(function (u) { if (done[u] && u !== v && rank[u] + 1 > r) r = rank[u] + 1; });
    rank[v] = r;
    outs[v].forEach(function (w) { if (!done[w] && --indeg[w] === 0) queue.push(w); });
  }
  /* Sources move down next to their first consumer (parameters read deep down). */
  for (i = n - 1; i >= 0; i--) {
    var s = order[i];
    if (ins[s].length || !outs[s].length) continue;
    var low = Infinity;
    outs[s].forEach(function (w) { if (rank[w] < low) low = rank[w]; });
    if (low - 1 > rank[s]) rank[s] = low - 1;
  }
  var ranks = 0;
  for (i = 0; i < n; i++) if (rank[i] + 1 > ranks) ranks = rank[i] + 1;
  var layers = [];
  for (i = 0; i < ranks; i++) layers.push([]);
  order.forEach(function (v) { layers[rank[v]].push(v); });

  /* Order within ranks: barycentres of neighbours' relative positions. */
  var place = new Float64Array(n);
  function number() {
    layers.forEach(function (layer) {
      var k = layer.length;
      layer.forEach(function (v, p) { place[v] = (p + 0.5) / k; });
    });
  }
  number();
  var bary = new Float64Array(n);
  function sweep(down) {
    for (var step = 0; step < ranks; step++) {
      var layer = layers[down ? step : ranks - 1 - step];
      layer.forEach(function (v) {
        var near = down ? ins[v] : outs[v];
        if (!near.length) { bary[v] = place[v]; return; }
        var sum = 0;
        for (var q = 0; q < near.length; q++) sum += place[near[q]];
        bary[v] = sum / near.length;
      });
      layer.sort(function (a, b) { return bary[a] - bary[b] || place[a] - place[b]; });
      var k = layer.length;
      layer.forEach(function (v, p) { place[v] = (p + 0.5) / k; });
    }
  }
  for (i = 0; i < 4; i++) sweep(i % 2 === 0);

  /* x: start packed and centred, then pull each vertex towards its neighbours. */
  var width = new Float64Array(n), x = new Float64Array(n);
  for (i = 0; i < n; i++) width[i] = size[children[i]].w;
  layers.forEach(function (layer) {
    var total = 0;
    layer.forEach(function (v) { total += width[v] + PROJ_VIZ_NODESEP; });
    var left = -total / 2;
    layer.forEach(function (v) { x[v] = left + width[v] / 2; left += width[v] + PROJ_VIZ_NODESEP; });
  });
  /* Positions closest (least squares) to `want`, in the rank's order, at least
     (w[a] + w[b]) / 2 + NODESEP apart: subtract the running minimum offsets, take the
     isotonic regression of the rest (pool adjacent violators), add them back. */
  function settle(layer, want) {
    var k = layer.length, offset = new Float64Array(k);
    for (var p = 1; p < k; p++) {
      offset[p] = offset[p - 1] + (width[layer[p - 1]] + width[layer[p]]) / 2 + PROJ_VIZ_NODESEP;
    }
    var values = [], weights = [], counts = [];
    for (p = 0; p < k; p++) {
      values.push(want[p] - offset[p]); weights.push(1); counts.push(1);
      while (values.length > 1 && values[values.length - 2] > values[values.length - 1]) {
        var wb = weights.pop(), vb = values.pop(), cb = counts.pop();
        var wa = weights[weights.length - 1], va = values[values.length - 1];
        values[values.length - 1] = (va * wa + vb * wb) / (wa + wb);
        weights[weights.length - 1] = wa + wb;
        counts[counts.length - 1] += cb;
      }
    }
    p = 0;
    for (var block = 0; block < values.length; block++) {
      for (var c = 0; c < counts[block]; c++, p++) x[layer[p]] = values[block] + offset[p];
    }
  }
  function pull(down) {
    for (var step = 0; step < ranks; step++) {
      var layer = layers[down ? step : ranks - 1 - step];
      var want = layer.map(function (v) {
        var near = down ? ins[v] : outs[v];
        if (!near.length) return x[v];
        var sum = 0;
        for (var q = 0; q < near.length; q++) sum += x[near[q]];
        return sum / near.length;
      });
      settle(layer, want);
    }
  }
  for (i = 0; i < 4; i++) pull(i % 2 === 0);

  /* y: ranks stacked, each as tall as its tallest vertex. */
  var minX = Infinity, maxX = -Infinity;
  for (i = 0; i < n; i++) {
    minX = Math.min(minX, x[i] - width[i] / 2);
    maxX = Math.max(maxX, x[i] + width[i] / 2);
  }
  var pos = Object.create(null), top = 0;
  layers.forEach(function (layer) {
    var tall = 0;
    layer.forEach(function (v) { tall = Math.max(tall, size[children[v]].h); });
    layer.forEach(function (v) { pos[children[v]] = { x: x[v] - minX, y: top + tall / 2 }; });
    top += tall + PROJ_VIZ_RANKSEP;
  });
  return {
    pos: pos, routes: Object.create(null),
    w: n ? maxX - minX : 0, h: n ? top - PROJ_VIZ_RANKSEP : 0
  };
}

function projVizLayout(request, cache) {
  var started = Date.now();
  var ROOT = "";
  var vertices = request.vertices;       /* [{id, w, h, parent}] parent: container id or "" */
  var containers = request.containers;   /* [{id, parent, label}] */
  var edges = request.edges;             /* [[source id, target id]] */

  var parentOf = Object.create(null);    /* vertex or container id -> container id */
  var kids = Object.create(null);        /* container id -> [child ids] */
  var size = Object.create(null);        /* id -> {w, h} */
  var isContainer = Object.create(null);
  kids[ROOT] = [];
  containers.forEach(function (c) { kids[c.id] = []; isContainer[c.id] = true; });
  containers.forEach(function (c) {
    var parent = c.parent && kids[c.parent] ? c.parent : ROOT;
    parentOf[c.id] = parent;
    kids[parent].push(c.id);
  });
  vertices.forEach(function (v) {
    var parent = v.parent && kids[v.parent] ? v.parent : ROOT;
    parentOf[v.id] = parent;
    kids[parent].push(v.id);
    size[v.id] = { w: v.w, h: v.h };
  });

  /* Layer bands: anchors between consecutive layers, at the top level. */
  var layerNames = request.layers || [];
  var anchors = [];
  if (layerNames.length > 1) {
    for (var a = 0; a < layerNames.length - 1; a++) {
      var anchor = PROJ_VIZ_ANCHOR + a;
      anchors.push(anchor);
      parentOf[anchor] = ROOT;
      kids[ROOT].push(anchor);
      size[anchor] = { w: 0, h: 0 };
    }
    edges = edges.slice();
    for (a = 0; a + 1 < anchors.length; a++) edges.push([anchors[a], anchors[a + 1]]);
    vertices.forEach(function (v) {
      if (v.layer === undefined || v.layer === null || parentOf[v.id] !== ROOT) return;
      if (v.layer > 0) edges.push([anchors[v.layer - 1], v.id]);
      if (v.layer < anchors.length) edges.push([v.id, anchors[v.layer]]);
    });
  }

  /* The chain of containers from the root down to an id's parent. */
  function chain(id) {
    var out = [];
    var p = parentOf[id];
    while (p !== undefined && p !== ROOT) { out.unshift(p); p = parentOf[p]; }
    return out;
  }
  /* Each edge is handled by the deepest container holding both ends. */
  var edgesIn = Object.create(null);
  edges.forEach(function (e) {
    var a = chain(e[0]), b = chain(e[1]);
    var depth = 0;
    while (depth < a.length && depth < b.length && a[depth] === b[depth]) depth++;
    var owner = depth === 0 ? ROOT : a[depth - 1];
    var from = depth < a.length ? a[depth] : e[0];
    var to = depth < b.length ? b[depth] : e[1];
    if (from === to) return;
    (edgesIn[owner] = edgesIn[owner] || []).push([from, to, e[0], e[1]]);
  });

  var local = Object.create(null);   /* container id -> {pos: {child: {x, y}}, routes, w, h} */
  var laidOut = 0, reused = 0;

  function layoutContainer(cid) {
    var children = kids[cid];
    children.forEach(function (child) { if (isContainer[child]) layoutContainer(child); });
    var own = edgesIn[cid] || [];
    var key = cid + "\u0002" + children.map(function (c) {
      return c + ":" + size[c].w + "x" + size[c].h;
    }).join("\u0001") + "\u0002" + own.map(function (e) { return e[0] + ">" + e[1]; }).join("\u0001");
    var hit = cache && cache.get(cid);
    if (hit && hit.key === key) { local[cid] = hit.value; reused++; return finish(cid); }

    if (children.length > PROJ_VIZ_OWN) {
      /* No routes: the page draws each edge as a curve between its real ends. */
      var mine = projVizLayered(children, size, own);
      laidOut++;
      local[cid] = mine;
      if (cache) cache.set(cid, { key: key, value: mine });
      return finish(cid);
    }

    var g = new dagre.graphlib.Graph({ multigraph: false });
    g.setGraph({
      rankdir: "TB", nodesep: 16, ranksep: 34, edgesep: 8, marginx: 0, marginy: 0,
      ranker: children.length > PROJ_VIZ_MEDIUM ? "tight-tree" : "network-simplex"
    });
    g.setDefaultEdgeLabel(function () { return {}; });
    children.forEach(function (c) { g.setNode(c, { width: size[c].w, height: size[c].h }); });
    own.forEach(function (e) { if (!g.hasEdge(e[0], e[1])) g.setEdge(e[0], e[1]); });
    dagre.layout(g, { disableOptimalOrderHeuristic: children.length > PROJ_VIZ_BIG });
    var value = { pos: Object.create(null), routes: Object.create(null), w: 0, h: 0 };
    children.forEach(function (c) {
      var n = g.node(c);
      value.pos[c] = { x: n.x, y: n.y };
    });
    /* Edges between this container's own children keep dagre's route; an edge into or
       out of a child container keeps the route dagre gave the lifted edge, and the page
       joins it to the real ends. */
    own.forEach(function (e) {
      var edge = g.edge(e[0], e[1]);
      if (edge && edge.points) value.routes[e[2] + "\u0001" + e[3]] = edge.points;
    });
    var graph = g.graph();
    value.w = children.length && isFinite(graph.width) ? graph.width : 0;
    value.h = children.length && isFinite(graph.height) ? graph.height : 0;
    laidOut++;
    local[cid] = value;
    if (cache) cache.set(cid, { key: key, value: value });
    return finish(cid);
  }

  function finish(cid) {
    if (cid !== ROOT) {
      var v = local[cid];
      size[cid] = {
        w: Math.max(v.w + 2 * PROJ_VIZ_PAD, 120),
        h: v.h + 2 * PROJ_VIZ_PAD + PROJ_VIZ_HEADER
      };
    }
  }

  layoutContainer(ROOT);

  /* Absolute positions, top-down. */
  var positions = Object.create(null);   /* vertex id -> {x, y, w, h} centre */
  var boxes = Object.create(null);       /* container id -> {x, y, w, h} top-left */
  var routes = Object.create(null);      /* "s\u0001t" -> [{x, y}] */
  function place(cid, ox, oy) {
    var value = local[cid];
    kids[cid].forEach(function (c) {
      var p = value.pos[c];
      var x = ox + p.x, y = oy + p.y;
      if (isContainer[c]) {
        var s = size[c];
        boxes[c] = { x: x - s.w / 2, y: y - s.h / 2, w: s.w, h: s.h };
        var inner = local[c];
        place(c, x - inner.w / 2, y - s.h / 2 + PROJ_VIZ_PAD + PROJ_VIZ_HEADER);
      } else {
        positions[c] = { x: x, y: y, w: size[c].w, h: size[c].h };
      }
    });
    Object.keys(value.routes).forEach(function (k) {
      routes[k] = value.routes[k].map(function (pt) { return { x: ox + pt.x, y: oy + pt.y }; });
    });
  }
  place(ROOT, 0, 0);
  var root = local[ROOT];
  var bands = [];
  if (layerNames.length) {
    var top = -PROJ_VIZ_PAD;  /* the outer bands reach a little past the graph */
    layerNames.forEach(function (name, k) {
      var bottom = k < anchors.length ? positions[anchors[k]].y : root.h + PROJ_VIZ_PAD;
      bands.push({ layer: name, y0: top, y1: bottom });
      top = bottom;
    });
    anchors.forEach(function (anchor) { delete positions[anchor]; });
  }
  return {
    positions: positions, boxes: boxes, routes: routes, bands: bands,
    width: root.w, height: root.h,
    laidOut: laidOut, reused: reused, ms: Date.now() - started
  };
}

if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope) {
  (function () {
    var cache = new Map();
    self.postMessage({ ready: true });
    self.onmessage = function (event) {
      var message = event.data;
      try {
        self.postMessage({ id: message.id, result: projVizLayout(message.request, cache) });
      } catch (error) {
        self.postMessage({ id: message.id, error: String(error && error.stack || error) });
      }
    };
  })();
}
