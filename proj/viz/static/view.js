/* proj viz: the visible graph: which nodes and datasets the filters keep, and what
 * stands for them (themselves, a collapsed namespace, or a collapsed group of nodes),
 * inside which expanded namespaces. Extends the Viz of viz.js; loaded after it. */
(function () {
  "use strict";

  var Viz = window.projViz.Viz;
  var u = window.projViz.util;
  var short = u.short, textWidth = u.textWidth, parentPath = u.parentPath, lastPart = u.lastPart;

  var GROUP_ABOVE = 2000;   /* more nodes + datasets than this directly in one namespace (or
                               the top level): split its nodes into groups, in run order */
  var GROUPS = 40;          /* about how many groups such a namespace gets... */
  var GROUP_MIN = 50;       /* ...of at least this many nodes each */
  var GROUP_MARK = "~";     /* a group's path is "<namespace>.~<n>" ("~<n>" at the top) */

  Viz.GROUP_ABOVE = GROUP_ABOVE;

  /* The status filter's class of a node's run record: "success", "failed" (also
     interrupted), "skipped", "running", or "notrun" (no record, or still pending). */
  Viz.statusClass = function (run) {
    if (!run || run.status === "pending") return "notrun";
    if (run.status === "interrupted") return "failed";
    return run.status;
  };

  Viz.prototype.computeView = function () {
    var self = this, st = this.state, snap = this.snap;
    var members = this.pipelineNodes.get(st.pipeline) || new Set(snap.nodes.map(function (n) { return n.name; }));
    var visible = new Set();
    var nodeCount = 0, datasetCount = 0;
    snap.nodes.forEach(function (node) {
      if (!members.has(node.name)) return;
      if (st.tags.size && !node.tags.some(function (t) { return st.tags.has(t); })) return;
      if (st.statusFilter && Viz.statusClass(node.last_run) !== st.statusFilter) return;
      visible.add(node.id);
      nodeCount++;
      node.inputs.concat(node.outputs).forEach(function (name) {
        var id = "dataset:" + name;
        var item = self.items.get(id);
        if (!item || visible.has(id) || (item.parameter && !st.params)) return;
        visible.add(id);
        datasetCount++;
      });
    });

    var groups = this.groupLarge(visible);
    function namespaceOf(item) {
      var group = groups.of.get(item.id);
      return group === undefined ? item.namespace : group;
    }
    var expanded = st.expanded;
    function rep(item) {
      var namespace = namespaceOf(item);
      if (!namespace) return item.id;
      var parts = namespace.split(".");
      for (var i = 1; i <= parts.length; i++) {
        var path = parts.slice(0, i).join(".");
        if (!expanded.has(path)) return "ns:" + path;
      }
      return item.id;
    }

    var layerIndex = new Set(snap.layers || []);
    var vertices = new Map();
    var repOf = new Map();
    visible.forEach(function (id) {
      var item = self.items.get(id);
      var r = rep(item);
      repOf.set(id, r);
      var vertex = vertices.get(r);
      if (!vertex) {
        if (r === id) {
          var label = short(item.name);
          var isNode = item.kind === "node";
          var namespace = namespaceOf(item);
          vertex = {
            id: id, kind: item.kind, label: label, item: item, parent: namespace ? "box:" + namespace : "",
            w: Math.ceil(textWidth(label)) + (isNode ? 34 : 24), h: isNode ? 30 : 24, members: []
          };
          if (!isNode && !vertex.parent && item.data.layer && layerIndex.has(item.data.layer)) {
            vertex.layer = item.data.layer;
          }
        } else {
          var path = r.slice(3);
          var parent = parentPath(path);
          vertex = {
            id: r, kind: "group", path: path, title: groups.titles.get(path) || path, label: "",
            parent: parent ? "box:" + parent : "", w: 0, h: 36, members: []
          };
        }
        vertices.set(r, vertex);
      }
      vertex.members.push(id);
    });
    vertices.forEach(function (vertex) {
      if (vertex.kind !== "group") return;
      var nodes = vertex.members.filter(function (id) { return id.indexOf("node:") === 0; }).length;
      var group = groups.labels.get(vertex.path);
      vertex.label = group ? group : short(lastPart(vertex.path)) + " (" + nodes + ")";
      vertex.w = Math.ceil(textWidth(vertex.label)) + 40;
    });

    var containers = new Map();
    vertices.forEach(function (vertex) {
      var box = vertex.parent;
      while (box && !containers.has(box)) {
        var path = box.slice(4);
        var parent = parentPath(path);
        containers.set(box, {
          id: box, path: path, parent: parent ? "box:" + parent : "",
          label: groups.labels.get(path) || lastPart(path)
        });
        box = parent ? "box:" + parent : "";
      }
    });

    var edges = [], seen = new Set();
    var vPreds = new Map(), vSuccs = new Map();
    vertices.forEach(function (v, id) { vPreds.set(id, []); vSuccs.set(id, []); });
    snap.edges.forEach(function (edge) {
      if (!visible.has(edge.source) || !visible.has(edge.target)) return;
      var a = repOf.get(edge.source), b = repOf.get(edge.target);
      if (a === b) return;
      var key = a + "\u0001" + b;
      if (seen.has(key)) return;
      seen.add(key);
      edges.push([a, b]);
      vSuccs.get(a).push(b);
      vPreds.get(b).push(a);
    });
    /* The largest single graph dagre would get: the children of one container. */
    var children = new Map();
    function count(parent) { children.set(parent, (children.get(parent) || 0) + 1); }
    vertices.forEach(function (v) { count(v.parent); });
    containers.forEach(function (c) { count(c.parent); });
    var largest = 0;
    children.forEach(function (n) { largest = Math.max(largest, n); });
    /* Bands for the layers of the top-level datasets shown, in the snapshot's order. */
    var present = new Set();
    vertices.forEach(function (v) { if (v.layer) present.add(v.layer); });
    var layers = (snap.layers || []).filter(function (name) { return present.has(name); });
    vertices.forEach(function (v) {
      if (v.layer) v.layer = layers.indexOf(v.layer);
    });
    return {
      largest: largest, groups: groups, layers: layers,
      visible: visible, vertices: vertices, containers: containers, edges: edges,
      repOf: repOf, preds: vPreds, succs: vSuccs, nodeCount: nodeCount, datasetCount: datasetCount
    };
  };

  /* Namespaces (and the top level) holding too many nodes and datasets directly to draw
     quickly get their nodes split into groups of consecutive nodes in run order, drawn
     and expanded like namespaces; a dataset joins the group of the node that writes it,
     else of the first that reads it. Returns {of: id -> group path, labels: group path ->
     label, titles: group path -> tooltip}. */
  Viz.prototype.groupLarge = function (visible) {
    var self = this, of = new Map(), labels = new Map(), titles = new Map();
    var direct = new Map();
    visible.forEach(function (id) {
      var namespace = self.items.get(id).namespace || "";
      direct.set(namespace, (direct.get(namespace) || 0) + 1);
    });
    direct.forEach(function (count, namespace) {
      if (count <= GROUP_ABOVE) return;
      var nodes = [];
      visible.forEach(function (id) {
        var item = self.items.get(id);
        if (item.kind === "node" && (item.namespace || "") === namespace) nodes.push(id);
      });
      var size = Math.max(GROUP_MIN, Math.ceil(nodes.length / GROUPS));
      nodes.forEach(function (id, index) {
        var first = index - index % size;
        var path = (namespace ? namespace + "." : "") + GROUP_MARK + (first / size + 1);
        of.set(id, path);
        if (!labels.has(path)) {
          var last = Math.min(first + size, nodes.length);
          labels.set(path, "nodes " + (first + 1) + "\u2013" + last);
          titles.set(path, (namespace ? namespace + ": " : "") + "nodes " + (first + 1) + " to " + last +
            " of " + nodes.length + " in run order, from " + self.items.get(nodes[first]).name);
        }
      });
      visible.forEach(function (id) {
        var item = self.items.get(id);
        if (item.kind !== "dataset" || (item.namespace || "") !== namespace) return;
        var near = self.preds.get(id).concat(self.succs.get(id));
        for (var i = 0; i < near.length; i++) {
          var group = visible.has(near[i]) ? of.get(near[i]) : undefined;
          if (group !== undefined && parentPath(group) === namespace) { of.set(id, group); return; }
        }
      });
    });
    return { of: of, labels: labels, titles: titles };
  };
})();
