/* proj viz: layered layout of the visible graph with dagre, namespace by namespace.
 *
 * Runs in a Web Worker (or, where workers are not allowed, on the page). The request
 * lists the visible vertices (nodes, datasets and collapsed namespaces, each with its
 * size and the expanded namespace it sits in), the expanded namespaces ("containers")
 * and the edges. Each container is laid out on its own, innermost first: its children
 * (vertices and child containers, the latter as boxes of their laid-out size) go into
 * one dagre graph, with edges lifted to the children that hold their ends. The results
 * are cached by content, so expanding one namespace or filtering lays out again only
 * the containers whose contents changed. dagre does all the placing; this file only
 * composes the pieces.
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
  return {
    positions: positions, boxes: boxes, routes: routes,
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
