/* proj viz: the interactive pipeline page (the app's state, data and view).
 *
 * One page for the three places it lives: served by `proj viz`, written by
 * `proj viz build` (opened from disk), and inline in a notebook output. This file,
 * view.js (the visible graph), draw.js (the SVG graph) and panels.js (sidebar, details)
 * are inlined in that order;
 * `window.projViz.mount(root, options)` then draws the snapshot found in `root` (a
 * <script type="application/json" class="proj-viz-data"> block) or fetched from
 * `options.snapshotUrl`. Layout is computed by layout.js + dagre, in a Web Worker made
 * from the <script type="text/plain" class="proj-viz-layout"> block of `root`.
 *
 * options: {mode: "server" | "static" | "notebook", snapshotUrl, previewUrl, poll (ms),
 *           statusUrl, statusPoll (ms)}
 * A notebook output carries the snapshot gzip-compressed in base64
 * (data-encoding="gzip+base64"), decompressed here with DecompressionStream.
 * A served page asks `statusUrl` every `statusPoll` ms for the run status (the runs,
 * node statuses, dataset rows; see proj/viz/runs.py) and repaints the badges in place.
 * The view state (pipeline, tags, parameters, expanded namespaces, selection, search,
 * picked nodes, the run overlaid, the status filter) lives in the URL hash, except in
 * notebooks.
 */
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  var BIG_GRAPH = 400;      /* above this many nodes + datasets, namespaces start collapsed */
  var MAX_LABEL = 40;       /* characters of a label drawn in a box */
  var LAYOUT_LIMIT = 20000; /* most children of one namespace (or the top level) laid out
                               without asking (large ones get the linear layered layout) */
  var READABLE = 0.8;       /* the smallest zoom of a first view: 12 px labels stay ~10 px */
  var uid = 0;

  /* ------------------------------------------------------------------ helpers */

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function shellQuote(word) {
    return /^[\w@%+=:,./-]+$/.test(word) ? word : "'" + word.replace(/'/g, "'\\''") + "'";
  }

  function seconds(value) {
    if (value === null || value === undefined) return "–";
    if (value < 1) return (value * 1000).toFixed(0) + " ms";
    if (value < 120) return value.toFixed(2) + " s";
    return (value / 60).toFixed(1) + " min";
  }

  function when(unix) {
    if (!unix) return "–";
    return new Date(unix * 1000).toLocaleString();
  }

  function parentPath(path) {
    var cut = path.lastIndexOf(".");
    return cut < 0 ? "" : path.slice(0, cut);
  }

  function lastPart(path) {
    return path.slice(path.lastIndexOf(".") + 1);
  }

  var measureContext = null;
  var widths = new Map();
  function textWidth(text) {
    var known = widths.get(text);
    if (known !== undefined) return known;
    if (!measureContext) {
      measureContext = document.createElement("canvas").getContext("2d");
      measureContext.font = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
    }
    var width = measureContext ? measureContext.measureText(text).width : text.length * 7;
    widths.set(text, width);
    return width;
  }

  function short(label) {
    return label.length > MAX_LABEL ? label.slice(0, MAX_LABEL - 1) + "\u2026" : label;
  }

  /* ------------------------------------------------------------------ layout engine */

  function createLayoutEngine(root) {
    var source = root.querySelector("script.proj-viz-layout");
    var text = source ? source.textContent : "";
    var worker = null;
    var onPage = null;
    var pending = new Map();
    var next = 0;

    function pageLayout() {
      if (!onPage) {
        /* eslint-disable-next-line no-new-func */
        onPage = { run: new Function(text + "\nreturn projVizLayout;")(), cache: new Map() };
      }
      return onPage;
    }
    function runOnPage(request) {
      var engine = pageLayout();
      return engine.run(request, engine.cache);
    }
    var ready = false;
    function startWorker() {
      try {
        var url = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
        worker = new Worker(url);
      } catch (error) {
        worker = null;
        return;
      }
      worker.onmessage = function (event) {
        if (event.data.ready) { ready = true; return; }
        var job = pending.get(event.data.id);
        if (!job) return;
        pending.delete(event.data.id);
        if (event.data.error) job.reject(new Error(event.data.error));
        else job.resolve(event.data.result);
      };
      worker.onerror = function (event) {
        if (event && event.preventDefault) event.preventDefault();
        if (!ready) {
          /* Refused before it started (a policy of the embedding page): lay out here. */
          worker = null;
          pending.forEach(function (job) {
            try { job.resolve(runOnPage(job.request)); } catch (error) { job.reject(error); }
          });
        } else {
          /* It died while working (out of memory): report it, start afresh next time. */
          worker.terminate();
          startWorker();
          pending.forEach(function (job) {
            job.reject(new Error("the layout worker stopped; the graph may be too large"));
          });
        }
        pending.clear();
      };
    }
    startWorker();
    return {
      layout: function (request) {
        if (!worker) {
          return new Promise(function (resolve) { resolve(runOnPage(request)); });
        }
        return new Promise(function (resolve, reject) {
          var id = ++next;
          pending.set(id, { resolve: resolve, reject: reject, request: request });
          worker.postMessage({ id: id, request: request });
        });
      },
      where: function () { return worker ? "worker" : "page"; }
    };
  }

  /* ------------------------------------------------------------------ the app */

  function Viz(root, options) {
    this.root = root;
    this.options = options || {};
    this.mode = this.options.mode || "static";
    this.useHash = this.mode !== "notebook";
    this.uid = "pv" + (++uid) + "-" + Math.random().toString(36).slice(2, 8);
    this.metrics = { firstPaint: null, paints: [] };
    this.state = null;
    this.zoom = { x: 0, y: 0, k: 1 };
    this.layoutToken = 0;
    this.rendered = null;
    this.etag = null;
    root.projViz = this;
  }

  Viz.prototype.start = function () {
    var self = this;
    this.buildSkeleton();
    this.engine = createLayoutEngine(this.root);
    return this.loadSnapshot().then(function (snapshot) {
      self.setSnapshot(snapshot, true);
      if (self.useHash) {
        window.addEventListener("hashchange", function () {
          if (location.hash !== self.writtenHash) {
            self.readHash();
            self.syncControls();
            self.refresh("hash");
          }
        });
      }
      if (self.options.poll && self.options.snapshotUrl) self.poll();
      if (self.options.statusPoll && self.options.statusUrl) self.followStatus();
    }).catch(function (error) {
      self.setMessage("Cannot show the pipeline: " + error.message);
      throw error;
    });
  };

  /* gzip + base64 text -> the JSON it holds (the browser's own gzip decoder). */
  function inflate(text) {
    var binary = atob(text.replace(/\s+/g, ""));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  Viz.prototype.loadSnapshot = function () {
    var block = this.root.querySelector("script.proj-viz-data");
    if (block && block.getAttribute("data-encoding") === "gzip+base64") {
      return inflate(block.textContent);
    }
    if (block) return Promise.resolve(JSON.parse(block.textContent));
    var self = this;
    return fetch(this.options.snapshotUrl, { cache: "no-store" }).then(function (response) {
      if (!response.ok) throw new Error("the server answered " + response.status);
      self.etag = response.headers.get("ETag");
      return response.json();
    });
  };

  Viz.prototype.poll = function () {
    var self = this;
    var interval = this.options.poll;
    function again() { setTimeout(tick, interval); }
    function tick() {
      var headers = self.etag ? { "If-None-Match": self.etag } : {};
      fetch(self.options.snapshotUrl, { headers: headers, cache: "no-store" }).then(function (response) {
        if (response.status === 200) {
          self.etag = response.headers.get("ETag");
          return response.json().then(function (snapshot) { self.setSnapshot(snapshot, false); });
        }
        return null;
      }).catch(function () { /* the server is restarting: try again */ }).then(again);
    }
    again();
  };

  /* Follow the run store: ask for the status (of the overlaid run, if one is picked)
     and repaint what changed. The server answers 304 while nothing was written. */
  Viz.prototype.followStatus = function () {
    var self = this;
    var interval = this.options.statusPoll;
    this.statusEtag = null;
    this.statusFor = undefined;
    function tick() {
      var run = self.state.run || "";
      var headers = self.statusEtag && self.statusFor === run ? { "If-None-Match": self.statusEtag } : {};
      var url = self.options.statusUrl + (run ? "?run=" + encodeURIComponent(run) : "");
      self.statusPending = fetch(url, { headers: headers, cache: "no-store" }).then(function (response) {
        if (response.status === 200) {
          self.statusEtag = response.headers.get("ETag");
          self.statusFor = run;
          return response.json().then(function (doc) {
            if ((self.state.run || "") === run) self.applyStatus(doc);
          });
        }
        if (response.status === 404 && run) {
          self.state.run = null; self.writeHash(); self.syncControls();
        }
        return null;
      }).catch(function () { /* the server is restarting: try again */ }).then(function () {
        self.statusTimer = setTimeout(tick, interval);
      });
    }
    this.statusNow = function () {
      clearTimeout(self.statusTimer);
      Promise.resolve(self.statusPending).then(function () { clearTimeout(self.statusTimer); tick(); });
    };
    tick();
  };

  /* ------------------------------------------------------------------ skeleton */

  Viz.prototype.buildSkeleton = function () {
    var self = this;
    this.root.classList.add("proj-viz");
    this.search = h("input", {
      class: "pv-search", type: "search", placeholder: "Search nodes and datasets",
      "data-role": "search", "aria-label": "Search by name"
    });
    this.search.addEventListener("input", function () {
      self.state.query = self.search.value;
      self.applySearch();
      self.writeHash();
    });
    this.search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") self.reveal(self.matches && self.matches[0]);
    });
    this.title = h("span", { class: "pv-title", text: "proj viz" });
    this.statusLine = h("span", { class: "pv-status-line", "data-role": "status" });
    var toolbar = h("div", { class: "pv-toolbar" }, [
      this.title, this.search,
      h("button", { type: "button", text: "Fit", title: "Fit the graph in view", onclick: function () { self.fit(); } }),
      h("button", { type: "button", text: "+", title: "Zoom in", onclick: function () { self.zoomBy(1.25); } }),
      h("button", { type: "button", text: "\u2212", title: "Zoom out", onclick: function () { self.zoomBy(0.8); } }),
      h("span", { class: "pv-spacer" }), this.statusLine
    ]);
    this.sidebar = h("div", { class: "pv-sidebar", "data-role": "sidebar" });
    this.canvas = h("div", { class: "pv-canvas", "data-role": "canvas" });
    this.message = h("div", { class: "pv-message", "data-role": "message" });
    this.canvas.appendChild(this.message);
    this.notice = h("div", { class: "pv-notice", "data-role": "notice", hidden: true });
    this.canvas.appendChild(this.notice);
    this.minimap = h("canvas", {
      class: "pv-minimap", "data-role": "minimap", width: 200, height: 140,
      title: "The whole graph: click or drag to move the view"
    });
    this.canvas.appendChild(this.minimap);
    this.details = h("div", { class: "pv-details", "data-role": "details", hidden: true });
    this.commandText = h("code", { "data-role": "command" });
    this.commandNote = h("span", { class: "pv-hint", "data-role": "command-note" });
    this.command = h("div", { class: "pv-command", hidden: true }, [
      h("span", { text: "Run this slice:" }), this.commandText, this.commandNote,
      h("button", { type: "button", text: "Copy", onclick: function () { self.copyCommand(); } }),
      h("button", { type: "button", text: "Clear", onclick: function () {
        self.state.from = null; self.state.to = null; self.updatePicks(); self.writeHash();
      } })
    ]);
    var main = h("div", { class: "pv-main" }, [this.sidebar, this.canvas, this.details]);
    this.root.appendChild(toolbar);
    this.root.appendChild(main);
    this.root.appendChild(this.command);
    this.bindCanvas();
    this.root.addEventListener("keydown", function (event) {
      if (event.key === "Escape") self.select(null);
    });
  };

  Viz.prototype.setMessage = function (text) {
    this.message.textContent = text || "";
  };

  /* ------------------------------------------------------------------ snapshot & state */

  Viz.prototype.setSnapshot = function (snapshot, initial) {
    var self = this;
    this.snap = snapshot;
    this.items = new Map();
    this.preds = new Map();
    this.succs = new Map();
    snapshot.nodes.forEach(function (node) {
      self.items.set(node.id, { id: node.id, kind: "node", name: node.name, namespace: node.namespace, data: node });
    });
    snapshot.datasets.forEach(function (dataset) {
      self.items.set(dataset.id, {
        id: dataset.id, kind: "dataset", name: dataset.name, namespace: dataset.namespace,
        parameter: dataset.parameter, data: dataset
      });
    });
    this.items.forEach(function (item, id) { self.preds.set(id, []); self.succs.set(id, []); });
    snapshot.edges.forEach(function (edge) {
      if (!self.items.has(edge.source) || !self.items.has(edge.target)) return;
      self.succs.get(edge.source).push(edge.target);
      self.preds.get(edge.target).push(edge.source);
    });
    this.pipelineNodes = new Map();
    snapshot.pipelines.forEach(function (p) { self.pipelineNodes.set(p.name, new Set(p.nodes)); });
    this.allNamespaces = [];
    (function walk(list) {
      list.forEach(function (ns) { self.allNamespaces.push(ns.path); walk(ns.children); });
    })(snapshot.namespaces);
    this.title.textContent = (snapshot.project && snapshot.project.name ? snapshot.project.name + " \u00b7 " : "") + "proj viz";

    if (initial) {
      this.state = {
        pipeline: snapshot.default_pipeline, tags: new Set(), params: true, expanded: null,
        selected: null, query: "", from: null, to: null, run: null, statusFilter: ""
      };
      if (this.useHash) this.readHash();
    }
    this.cleanState();
    this.statusEtag = null;  /* the new snapshot has its own statuses: ask again in full */
    this.buildSidebar();
    this.syncControls();
    return this.refresh(initial ? "initial" : "reload");
  };

  /* Drop names the snapshot no longer has (after a reload or a stale shared link). */
  Viz.prototype.cleanState = function () {
    var st = this.state, snap = this.snap, self = this;
    if (!this.pipelineNodes.has(st.pipeline)) st.pipeline = snap.default_pipeline;
    var tags = new Set(snap.tags);
    st.tags = new Set(Array.from(st.tags).filter(function (t) { return tags.has(t); }));
    if (st.selected && !this.items.has(st.selected) && st.selected.indexOf("ns:") !== 0) st.selected = null;
    ["from", "to"].forEach(function (key) {
      if (st[key] && !self.items.has("node:" + st[key])) st[key] = null;
    });
    if (st.expanded === null) {
      var members = this.pipelineNodes.get(st.pipeline);
      var size = members ? members.size : snap.nodes.length;
      st.expanded = size * 2 <= BIG_GRAPH ? new Set(this.allNamespaces) : new Set();
      this.expandedTouched = false;
    }
  };

  Viz.prototype.readHash = function () {
    var st = this.state;
    var hash = location.hash.replace(/^#/, "");
    if (!hash) return;
    var params = {};
    hash.split("&").forEach(function (pair) {
      var cut = pair.indexOf("=");
      if (cut > 0) params[pair.slice(0, cut)] = pair.slice(cut + 1);
    });
    function list(raw) {
      return raw ? raw.split(",").filter(Boolean).map(decodeURIComponent) : [];
    }
    function one(raw) { return raw ? decodeURIComponent(raw) : null; }
    if (params.p) st.pipeline = one(params.p);
    st.tags = new Set(list(params.t));
    st.params = params.params !== "0";
    if (params.ns !== undefined) { st.expanded = new Set(list(params.ns)); this.expandedTouched = true; }
    st.selected = one(params.sel);
    st.query = one(params.q) || "";
    st.from = one(params.from);
    st.to = one(params.to);
    st.run = one(params.run);
    st.statusFilter = one(params.st) || "";
  };

  Viz.prototype.writeHash = function () {
    if (!this.useHash || !this.state) return;
    var st = this.state, parts = [];
    function list(set) { return Array.from(set).map(encodeURIComponent).join(","); }
    parts.push("p=" + encodeURIComponent(st.pipeline));
    if (st.tags.size) parts.push("t=" + list(st.tags));
    if (!st.params) parts.push("params=0");
    if (this.expandedTouched) parts.push("ns=" + list(st.expanded));
    if (st.selected) parts.push("sel=" + encodeURIComponent(st.selected));
    if (st.query) parts.push("q=" + encodeURIComponent(st.query));
    if (st.from) parts.push("from=" + encodeURIComponent(st.from));
    if (st.to) parts.push("to=" + encodeURIComponent(st.to));
    if (st.run) parts.push("run=" + encodeURIComponent(st.run));
    if (st.statusFilter) parts.push("st=" + encodeURIComponent(st.statusFilter));
    this.writtenHash = "#" + parts.join("&");
    if (location.hash !== this.writtenHash) {
      history.replaceState(null, "", this.writtenHash);
    }
  };

  /* ------------------------------------------------------------------ drawing */

  Viz.prototype.refresh = function (reason) {
    var self = this;
    var started = performance.now();
    var view = this.computeView();
    this.view = view;
    var timing = { viewMs: performance.now() - started };
    var token = ++this.layoutToken;
    if (this.rendered) {
      this.hideGone(view);
      this.afterPaint(function () { self.painted("filter", started, view); });
    }
    var total = view.vertices.size;
    if (view.largest > LAYOUT_LIMIT && !this.drawAnyway) {
      this.tooBig(view, started);
      return Promise.resolve();
    }
    this.notice.hidden = true;
    if (total > 1500) this.setMessage("Laying out " + total + " elements\u2026");
    var request = {
      vertices: Array.from(view.vertices.values()).map(function (v) {
        return { id: v.id, w: v.w, h: v.h, parent: v.parent, layer: v.layer };
      }),
      layers: view.layers,
      containers: Array.from(view.containers.values()).map(function (c) {
        return { id: c.id, parent: c.parent };
      }),
      edges: view.edges
    };
    var asked = performance.now();
    return this.engine.layout(request).then(function (layout) {
      if (token !== self.layoutToken) return;
      timing.layoutWallMs = performance.now() - asked;
      self.layout = layout;
      self.setMessage(view.vertices.size ? "" : "Nothing to show: no node matches the filters.");
      var drawing = performance.now();
      /* The view first (a large graph is drawn only around it), then the drawing. */
      var focus = self.focusAfterLayout;
      self.focusAfterLayout = null;
      self.virtual = null;
      if (focus) self.center(focus); else self.firstView();
      self.render(view, layout);
      if (focus) { self.select(focus); self.center(focus); }  /* details took some width */
      timing.renderMs = performance.now() - drawing;
      self.afterPaint(function () {
        self.painted("layout", started, view, layout, timing);
      });
    }, function (error) {
      self.setMessage("Layout failed: " + error.message);
    });
  };

  /* A view too large for one dagre layout: say what to do instead of freezing. */
  Viz.prototype.tooBig = function (view, started) {
    var self = this;
    var old = this.canvas.querySelector("svg");
    if (old) old.remove();
    this.rendered = null;
    this.setMessage("");
    this.notice.textContent = "";
    this.notice.appendChild(h("p", {
      text: view.largest + " nodes and datasets would be laid out as one graph, more than " +
        "the browser lays out quickly (" + LAYOUT_LIMIT + "). Pick a pipeline or tick some " +
        "tags on the left, or group nodes into namespaces (pipeline(..., namespace=...))."
    }));
    this.notice.appendChild(h("button", {
      type: "button", text: "Draw it anyway (may take minutes)", "data-role": "draw-anyway",
      onclick: function () { self.drawAnyway = true; self.refresh("anyway"); }
    }));
    this.notice.hidden = false;
    this.statusLine.textContent = view.nodeCount + " nodes \u00b7 " + view.datasetCount + " datasets";
    this.afterPaint(function () { self.painted("notice", started, view); });
  };

  Viz.prototype.afterPaint = function (callback) {
    requestAnimationFrame(function () { setTimeout(callback, 0); });
  };

  Viz.prototype.painted = function (phase, started, view, layout, timing) {
    var now = performance.now();
    var record = {
      phase: phase, at: now, ms: now - started, vertices: view.vertices.size,
      layoutMs: layout ? layout.ms : null, where: this.engine.where(), timing: timing || null
    };
    if (phase === "layout" && this.metrics.firstPaint === null) this.metrics.firstPaint = now;
    this.metrics.paints.push(record);
    this.statusLine.textContent = view.nodeCount + " nodes \u00b7 " + view.datasetCount + " datasets" +
      (layout ? " \u00b7 layout " + Math.round(layout.ms) + " ms" : "");
    this.root.setAttribute("data-painted", String(this.metrics.paints.length));
    this.root.dispatchEvent(new CustomEvent("proj-viz:paint", { detail: record }));
  };

  Viz.prototype.hideGone = function (view) {
    this.rendered.vertices.forEach(function (element, id) {
      element.classList.toggle("pv-gone", !view.vertices.has(id));
    });
    this.rendered.edges.forEach(function (entry) {
      entry.element.classList.toggle("pv-gone", !view.vertices.has(entry.s) || !view.vertices.has(entry.t));
    });
  };

  window.projViz = {
    Viz: Viz,
    util: {
      SVGNS: SVGNS, esc: esc, h: h, shellQuote: shellQuote, seconds: seconds, when: when,
      parentPath: parentPath, lastPart: lastPart, textWidth: textWidth, short: short,
      READABLE: READABLE
    },
    /* Draw the graph in `root`; view.js, draw.js and panels.js must have been loaded too. */
    mount: function (root, options) {
      var app = new Viz(root, options);
      app.ready = app.start();
      return app;
    }
  };
})();
