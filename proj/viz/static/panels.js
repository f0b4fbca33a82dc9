/* proj viz: the panels around the graph: the sidebar (pipeline, parameters, tags,
 * namespaces, runs and status filter, legend), the details of a selected node or
 * dataset with its preview, and the run command of picked nodes. Also where a new run
 * status lands (applyStatus). Extends the Viz of viz.js. */
(function () {
  "use strict";

  var Viz = window.projViz.Viz;
  var u = window.projViz.util;
  var h = u.h, shellQuote = u.shellQuote, seconds = u.seconds, when = u.when;
  var parentPath = u.parentPath;

  /* ------------------------------------------------------------------ sidebar */

  Viz.prototype.buildSidebar = function () {
    var self = this, snap = this.snap;
    var side = this.sidebar;
    side.textContent = "";

    side.appendChild(h("h3", { text: "Pipeline" }));
    this.pipelineSelect = h("select", { "data-role": "pipeline", "aria-label": "Pipeline" },
      snap.pipelines.map(function (p) {
        return h("option", { value: p.name, text: p.name + " (" + p.nodes.length + ")" });
      }));
    this.pipelineSelect.addEventListener("change", function () {
      self.state.pipeline = self.pipelineSelect.value;
      self.changed("pipeline");
    });
    side.appendChild(this.pipelineSelect);

    side.appendChild(h("h3", { text: "Show" }));
    this.paramsBox = h("input", { type: "checkbox", "data-role": "params" });
    this.paramsBox.addEventListener("change", function () {
      self.state.params = self.paramsBox.checked;
      self.changed("params");
    });
    side.appendChild(h("label", {}, [this.paramsBox, "Parameters"]));

    side.appendChild(h("h3", { text: "Tags" }));
    if (!snap.tags.length) side.appendChild(h("div", { class: "pv-hint", text: "No node has a tag." }));
    else side.appendChild(h("div", { class: "pv-hint", text: "Tick tags to show only the nodes that have any of them." }));
    this.tagBoxes = new Map();
    snap.tags.forEach(function (tag) {
      var box = h("input", { type: "checkbox", "data-tag": tag });
      box.addEventListener("change", function () {
        if (box.checked) self.state.tags.add(tag); else self.state.tags.delete(tag);
        self.changed("tags");
      });
      self.tagBoxes.set(tag, box);
      side.appendChild(h("label", {}, [box, tag]));
    });

    this.nsBoxes = new Map();
    var big = snap.nodes.length + snap.datasets.length > Viz.GROUP_ABOVE;
    if (this.allNamespaces.length || big) {
      side.appendChild(h("h3", { text: "Namespaces" }));
      side.appendChild(h("div", { class: "pv-actions" }, [
        h("button", { type: "button", text: "Expand all", "data-role": "expand-all", onclick: function () {
          var all = self.allNamespaces.concat(Array.from(self.view ? self.view.groups.labels.keys() : []));
          self.state.expanded = new Set(all); self.expandedTouched = true; self.changed("namespaces");
        } }),
        h("button", { type: "button", text: "One level more", "data-role": "expand-level", title: "Expand the outermost collapsed namespaces", onclick: function () {
          self.expandLevel();
        } }),
        h("button", { type: "button", text: "Collapse all", "data-role": "collapse-all", onclick: function () {
          self.state.expanded = new Set(); self.expandedTouched = true; self.changed("namespaces");
        } })
      ]));
      if (big) {
        side.appendChild(h("div", { class: "pv-hint", text: "Where too many nodes sit in one namespace (or in none) to draw at once, they are shown in groups, in run order." }));
      }
      var tree = (function build(list) {
        return h("div", {}, list.map(function (ns) {
          var box = h("input", { type: "checkbox", "data-ns": ns.path });
          box.addEventListener("change", function () { self.setExpanded(ns.path, box.checked); });
          self.nsBoxes.set(ns.path, box);
          return h("div", {}, [
            h("label", { title: "Expanded when ticked" }, [box, ns.name + " (" + ns.nodes + ")"]),
            ns.children.length ? h("div", { class: "pv-ns-children" }, [build(ns.children)]) : null
          ]);
        }));
      })(snap.namespaces);
      side.appendChild(tree);
    }

    side.appendChild(h("h3", { text: "Runs" }));
    this.runBox = h("div", { "data-role": "runs" });
    side.appendChild(this.runBox);
    this.buildRuns();

    side.appendChild(h("h3", { text: "Status" }));
    this.statusSelect = h("select", { "data-role": "status-filter", "aria-label": "Show nodes by status" }, [
      ["", "All nodes"], ["failed", "Failed"], ["skipped", "Skipped"], ["notrun", "Not run"],
      ["success", "Succeeded"], ["running", "Running"]
    ].map(function (pair) { return h("option", { value: pair[0], text: pair[1] }); }));
    this.statusSelect.addEventListener("change", function () {
      self.state.statusFilter = self.statusSelect.value;
      self.changed("status");
    });
    side.appendChild(this.statusSelect);

    side.appendChild(h("h3", { text: "Legend" }));
    side.appendChild(h("div", { class: "pv-legend" }, [
      h("span", { class: "pv-swatch pv-sw-node" }), h("span", { text: "node" }),
      h("span", { class: "pv-swatch pv-sw-dataset" }), h("span", { text: "dataset" }),
      h("span", { class: "pv-swatch pv-sw-param" }), h("span", { text: "parameters" }),
      h("span", { class: "pv-swatch pv-sw-group" }), h("span", { text: "collapsed namespace" }),
      h("span", { class: "pv-dot pv-status-success" }), h("span", { text: "succeeded" }),
      h("span", { class: "pv-dot pv-status-failed" }), h("span", { text: "failed" }),
      h("span", { class: "pv-dot pv-status-skipped" }), h("span", { text: "skipped / not run" }),
      h("span", { class: "pv-dot pv-status-running" }), h("span", { text: "running" }),
      h("span", { class: "pv-swatch pv-sw-drop" }), h("span", { text: "fewer rows than the run before" })
    ]));
    side.appendChild(h("div", { class: "pv-hint", text: "Click to select; shift-click two nodes to get the command that runs from one to the other." }));
  };

  function runLabel(run) {
    var filters = Object.keys(run.filters || {}).map(function (key) {
      var value = run.filters[key];
      return key + "=" + (Array.isArray(value) ? value.join(",") : value);
    }).join("; ");
    var mark = { success: "\u2713", failed: "\u2717", running: "\u25b6", interrupted: "\u25a0" }[run.status] || "\u2022";
    return mark + " " + run.status + " \u00b7 " + (run.pipelines || []).join(",") +
      (filters ? " \u00b7 " + filters : "") + " \u00b7 " + seconds(run.duration) +
      " \u00b7 " + when(run.started_at);
  }

  /* The run picker (latest first) and the summary of the run shown. */
  Viz.prototype.buildRuns = function () {
    var self = this, box = this.runBox, snap = this.snap;
    if (!box) return;
    box.textContent = "";
    var runs = snap.runs || (snap.run ? [snap.run] : []);
    if (!runs.length) {
      box.appendChild(h("div", { class: "pv-hint", "data-role": "last-run", text: "No run recorded yet: `proj run` records one." }));
      return;
    }
    var live = Boolean(this.options.statusUrl);
    var picker = h("select", { "data-role": "run-picker", "aria-label": "Run whose statuses are shown", disabled: !live },
      [h("option", { value: "", text: "Each node's latest run" })].concat(runs.map(function (run) {
        return h("option", { value: run.run_id, text: runLabel(run), title: run.command || run.run_id });
      })));
    picker.value = this.state.run || "";
    picker.addEventListener("change", function () { self.pickRun(picker.value || null); });
    this.runPicker = picker;
    box.appendChild(picker);
    if (!live) box.appendChild(h("div", { class: "pv-hint", text: "Picking another run needs the server: run `proj viz`." }));
    var shown = null;
    runs.forEach(function (run) { if (run.run_id === self.state.run) shown = run; });
    var run = shown || runs[0];
    var filters = Object.keys(run.filters || {}).map(function (key) {
      var value = run.filters[key];
      return key + "=" + (Array.isArray(value) ? value.join(",") : value);
    }).join("; ");
    box.appendChild(h("div", { "data-role": "last-run", "data-run": run.run_id, "data-status": run.status }, [
      h("div", {}, [h("span", { class: "pv-dot pv-status-" + run.status }), " ", h("span", { "data-role": "run-state", text: run.status }), " \u00b7 " + seconds(run.duration)]),
      h("div", { class: "pv-hint", text: (shown ? "" : "latest \u00b7 ") + when(run.started_at) + " \u00b7 " + (run.runner || "") }),
      h("div", { class: "pv-hint", text: "pipeline " + (run.pipelines || []).join(", ") }),
      run.partial ? h("div", { class: "pv-hint", text: "Partial run" + (filters ? ": " + filters : "") }) : null,
      run.command ? h("div", { class: "pv-hint pv-cmd", text: run.command }) : null,
      run.error ? h("div", { class: "pv-hint pv-error", text: run.error }) : null,
      h("div", { class: "pv-hint", text: "run " + run.run_id })
    ]));
  };

  /* Overlay the statuses of one run (null: each node's latest run). */
  Viz.prototype.pickRun = function (runId) {
    this.state.run = runId;
    this.writeHash();
    if (this.statusNow) this.statusNow();
  };

  /* A new run status (from the server, or the snapshot's own): update the items, then
     repaint badges and rows in place; lay out again only when the status filter shows
     other nodes now. */
  Viz.prototype.applyStatus = function (doc) {
    var self = this, snap = this.snap;
    var before = this.state.statusFilter ? this.filterKey() : null;
    snap.run = doc.run;
    snap.runs = doc.runs;
    var selected = this.state.selected;
    var selectedBefore = selected && this.items.get(selected) ? JSON.stringify([this.items.get(selected).data.last_run, this.items.get(selected).data.last_save]) : null;
    this.items.forEach(function (item) {
      if (item.kind === "node") item.data.last_run = doc.nodes[item.name] || null;
      else if (item.kind === "dataset") item.data.last_save = doc.datasets[item.name] || null;
    });
    this.statusVersion = (this.statusVersion || 0) + 1;
    this.buildRuns();
    this.paintStatus();
    this.drawMinimap();
    if (selectedBefore !== null) {
      var now = JSON.stringify([this.items.get(selected).data.last_run, this.items.get(selected).data.last_save]);
      if (now !== selectedBefore) this.showDetails(selected);
    }
    if (before !== null && before !== this.filterKey()) this.refresh("status");
    this.root.setAttribute("data-status-version", String(this.statusVersion));
    this.root.dispatchEvent(new CustomEvent("proj-viz:status", { detail: { run: doc.run, overlay: doc.overlay } }));
  };

  /* Which nodes the status filter keeps now (to tell whether a new status changes it). */
  Viz.prototype.filterKey = function () {
    var filter = this.state.statusFilter, keys = [];
    this.snap.nodes.forEach(function (node) {
      if (Viz.statusClass(node.last_run) === filter) keys.push(node.name);
    });
    return keys.join("\u0001");
  };

  Viz.prototype.syncControls = function () {
    var st = this.state, self = this;
    if (!this.pipelineSelect) return;
    this.pipelineSelect.value = st.pipeline;
    this.paramsBox.checked = st.params;
    this.tagBoxes.forEach(function (box, tag) { box.checked = st.tags.has(tag); });
    this.nsBoxes.forEach(function (box, path) { box.checked = st.expanded.has(path); });
    if (this.statusSelect) this.statusSelect.value = st.statusFilter || "";
    if (this.runPicker) this.runPicker.value = st.run || "";
    if (this.search.value !== st.query) this.search.value = st.query;
    self.updateCommand();
  };

  /* Progressive expanding: open the collapsed namespaces (and groups) shown now. */
  Viz.prototype.expandLevel = function () {
    var st = this.state, opened = false;
    if (!this.view) return;
    this.view.vertices.forEach(function (v) {
      if (v.kind === "group") { st.expanded.add(v.path); opened = true; }
    });
    if (!opened) return;
    this.expandedTouched = true;
    this.changed("namespaces");
  };

  Viz.prototype.setExpanded = function (path, expanded) {
    var st = this.state;
    if (expanded) {
      /* Expanding a namespace expands its parents too, so it can be seen. */
      var p = path;
      while (p) { st.expanded.add(p); p = parentPath(p); }
    } else {
      st.expanded.delete(path);
    }
    this.expandedTouched = true;
    this.changed("namespaces");
  };

  Viz.prototype.changed = function (reason) {
    this.syncControls();
    this.writeHash();
    return this.refresh(reason);
  };

  Viz.prototype.link = function (id, label) {
    var self = this;
    return h("a", { "data-goto": id, text: label, onclick: function () { self.select(id); self.center(id); } });
  };

  Viz.prototype.showDetails = function (id) {
    var panel = this.details;
    panel.textContent = "";
    if (!id) { panel.hidden = true; return; }
    panel.hidden = false;
    var self = this;
    var close = h("button", { type: "button", text: "Close", style: "float:right", onclick: function () { self.select(null); } });
    if (id.indexOf("ns:") === 0) {
      var path = id.slice(3);
      var group = this.view && this.view.groups.titles.get(path);
      panel.appendChild(close);
      panel.appendChild(h("h2", { text: group || path }));
      panel.appendChild(h("div", { class: "pv-kind", text: group ? "group of nodes (collapsed)" : "namespace (collapsed)" }));
      panel.appendChild(h("div", { class: "pv-actions" }, [
        h("button", { type: "button", text: "Expand", onclick: function () { self.setExpanded(path, true); } })
      ]));
      return;
    }
    var item = this.items.get(id);
    if (!item) { panel.hidden = true; return; }
    panel.appendChild(close);
    panel.appendChild(h("h2", { "data-role": "details-name", text: item.name }));
    if (item.kind === "node") this.nodeDetails(item.data, panel);
    else this.datasetDetails(item.data, panel);
  };

  Viz.prototype.nodeDetails = function (node, panel) {
    var self = this;
    panel.appendChild(h("div", { class: "pv-kind", text: "node" }));
    var where = node.file ? node.file + (node.line ? ":" + node.line : "") : "source not found";
    var run = node.last_run;
    var rows = [
      ["Function", node.function], ["Source", where],
      ["Namespace", node.namespace || "\u2013"], ["Tags", node.tags.join(", ") || "\u2013"],
      ["Pipelines", node.pipelines.join(", ")]
    ];
    panel.appendChild(h("dl", {}, [].concat.apply([], rows.map(function (row) {
      return [h("dt", { text: row[0] }), h("dd", { text: row[1] })];
    }))));
    panel.appendChild(h("h3", { text: "Inputs" }));
    panel.appendChild(h("ul", { "data-role": "inputs" }, node.inputs.map(function (name) {
      return h("li", {}, [self.link("dataset:" + name, name)]);
    })));
    panel.appendChild(h("h3", { text: "Outputs" }));
    panel.appendChild(h("ul", { "data-role": "outputs" }, node.outputs.length ? node.outputs.map(function (name) {
      return h("li", {}, [self.link("dataset:" + name, name)]);
    }) : [h("li", { text: "none" })]));
    panel.appendChild(h("h3", { text: this.state.run ? "In the run shown" : "Last run" }));
    if (run) {
      panel.appendChild(h("dl", { "data-role": "node-run" }, [
        h("dt", { text: "Status" }), h("dd", {}, [h("span", { class: "pv-dot pv-status-" + run.status }), " ", h("span", { "data-role": "run-status", text: run.status })]),
        h("dt", { text: "Duration" }), h("dd", { "data-role": "run-duration", text: seconds(run.duration) }),
        h("dt", { text: "Started" }), h("dd", { text: when(run.started_at) }),
        h("dt", { text: "Run" }), h("dd", { text: run.run_id + (run.latest ? " (latest)" : this.state.run ? "" : " (an earlier run: the latest did not include this node)") })
      ]));
      if (run.error) panel.appendChild(h("pre", { class: "pv-error", text: run.error }));
    } else {
      panel.appendChild(h("div", { class: "pv-hint", "data-role": "node-run", text: this.state.run ? "Not in the run shown." : "Not in any recorded run." }));
    }
    panel.appendChild(h("div", { class: "pv-actions" }, [
      h("button", { type: "button", text: "Run from here", "data-role": "pick-from", onclick: function () { self.state.from = node.name; self.updatePicks(); self.writeHash(); } }),
      h("button", { type: "button", text: "Run up to here", "data-role": "pick-to", onclick: function () { self.state.to = node.name; self.updatePicks(); self.writeHash(); } })
    ]));
    var code = node.code && this.snap.code[node.code];
    if (code) {
      panel.appendChild(h("h3", { text: "Source" }));
      panel.appendChild(h("pre", { "data-role": "code", text: code }));
    }
  };

  Viz.prototype.datasetDetails = function (dataset, panel) {
    var self = this;
    panel.appendChild(h("div", { class: "pv-kind", text: dataset.parameter ? "parameters" : "dataset" }));
    var rows = [
      ["Type", dataset.type], ["Path", dataset.path || "\u2013"], ["Layer", dataset.layer || "\u2013"],
      ["Namespace", dataset.namespace || "\u2013"]
    ];
    if (dataset.pattern) rows.push(["Pattern", dataset.pattern]);
    if (dataset.versioned) rows.push(["Versioned", "yes"]);
    panel.appendChild(h("dl", {}, [].concat.apply([], rows.map(function (row) {
      return [h("dt", { text: row[0] }), h("dd", { "data-field": row[0].toLowerCase(), text: row[1] })];
    }))));
    var save = dataset.last_save;
    panel.appendChild(h("h3", { text: "Saved" }));
    if (save) {
      var rowsText = save.rows === null || save.rows === undefined ? "\u2013" : u.number(save.rows);
      var change = "";
      if (save.rows !== null && save.previous_rows !== null && save.previous_rows !== undefined) {
        var diff = save.rows - save.previous_rows;
        change = diff === 0 ? "same as the save before" : (diff > 0 ? "+" : "\u2212") + u.number(Math.abs(diff)) + " against " + u.number(save.previous_rows) + " in run " + save.previous_run_id;
      }
      panel.appendChild(h("dl", { "data-role": "dataset-save" }, [
        h("dt", { text: "Rows" }), h("dd", { "data-role": "rows", class: save.dropped ? "pv-drop" : null, text: rowsText }),
        h("dt", { text: "Change" }), h("dd", { "data-role": "rows-change", class: save.dropped ? "pv-drop" : null, text: change || "\u2013" }),
        h("dt", { text: "Bytes" }), h("dd", { "data-role": "bytes", text: save.bytes === null || save.bytes === undefined ? "\u2013" : u.bytes(save.bytes) + " (" + u.number(save.bytes) + " B)" }),
        h("dt", { text: "Run" }), h("dd", { text: save.run_id })
      ]));
      if (save.dropped) panel.appendChild(h("div", { class: "pv-error", "data-role": "rows-drop", text: "Fewer rows than the save before: check the filters and joins upstream." }));
    } else {
      panel.appendChild(h("div", { class: "pv-hint", "data-role": "dataset-save", text: this.state.run ? "Not saved by the run shown." : "No recorded run saved it." }));
    }
    var id = dataset.id;
    panel.appendChild(h("h3", { text: "Produced by" }));
    panel.appendChild(h("ul", {}, (this.preds.get(id) || []).map(function (n) { return h("li", {}, [self.link(n, n.slice(5))]); })
      .concat((this.preds.get(id) || []).length ? [] : [h("li", { text: "nothing: an input" })])));
    panel.appendChild(h("h3", { text: "Used by" }));
    panel.appendChild(h("ul", {}, (this.succs.get(id) || []).map(function (n) { return h("li", {}, [self.link(n, n.slice(5))]); })
      .concat((this.succs.get(id) || []).length ? [] : [h("li", { text: "nothing: an output" })])));
    panel.appendChild(h("h3", { text: "Preview" }));
    var box = h("div", { class: "pv-preview", "data-role": "preview" });
    panel.appendChild(box);
    if (!dataset.declared && !dataset.parameter) {
      box.appendChild(h("div", { class: "pv-hint", text: "Held in memory during a run: nothing to preview." }));
    } else if (!this.options.previewUrl) {
      box.appendChild(h("div", { class: "pv-hint", text: "Previews need the server: run `proj viz` in the project." }));
    } else {
      box.appendChild(h("button", { type: "button", text: "Show the first rows", "data-role": "load-preview", onclick: function () { self.preview(dataset.name, box); } }));
    }
  };

  Viz.prototype.preview = function (name, box) {
    box.textContent = "Loading\u2026";
    var url = this.options.previewUrl + "?dataset=" + encodeURIComponent(name) + "&rows=10";
    fetch(url, { cache: "no-store" }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      box.textContent = "";
      var body = answer.body;
      if (!answer.ok) { box.appendChild(h("div", { class: "pv-error", text: body.error || "No preview." })); return; }
      if (body.kind === "table") {
        var table = h("table", {}, [
          h("thead", {}, [h("tr", {}, body.columns.map(function (c) { return h("th", { text: c }); }))]),
          h("tbody", {}, body.rows.map(function (row) {
            return h("tr", {}, row.map(function (cell) { return h("td", { text: cell === null ? "" : String(cell) }); }));
          }))
        ]);
        box.appendChild(table);
        box.appendChild(h("div", { class: "pv-hint", text: body.rows.length + " rows shown" + (body.total_rows !== null ? " of " + body.total_rows : "") }));
      } else {
        box.appendChild(h("pre", { text: body.text }));
        if (body.truncated) box.appendChild(h("div", { class: "pv-hint", text: "(truncated)" }));
      }
    }).catch(function (error) {
      box.textContent = "";
      box.appendChild(h("div", { class: "pv-error", text: "No preview: " + error.message }));
    });
  };

  /* Whether node `b` is downstream of node `a` (through the datasets between them). */
  Viz.prototype.downstream = function (a, b) {
    var goal = "node:" + b, seen = new Set(["node:" + a]), stack = ["node:" + a];
    while (stack.length) {
      var next = this.succs.get(stack.pop()) || [];
      for (var i = 0; i < next.length; i++) {
        if (next[i] === goal) return true;
        if (!seen.has(next[i])) { seen.add(next[i]); stack.push(next[i]); }
      }
    }
    return false;
  };

  /* The picked nodes of the shown pipeline, upstream one first, and a note when no
     path joins them (`proj run` would then find nothing to run). */
  Viz.prototype.slice = function () {
    var st = this.state, members = this.pipelineNodes.get(st.pipeline);
    function shown(name) { return name && (!members || members.has(name)) ? name : null; }
    var from = shown(st.from), to = shown(st.to), note = "";
    if (from && to && from !== to && !this.downstream(from, to)) {
      if (this.downstream(to, from)) { var first = to; to = from; from = first; }
      else note = "Neither node is upstream of the other: this slice has no nodes.";
    }
    return { from: from, to: to, note: note };
  };

  Viz.prototype.commandLine = function () {
    var st = this.state, slice = this.slice();
    if (!slice.from && !slice.to) return "";
    var words = ["proj", "run"];
    if (st.pipeline && st.pipeline !== "__default__") words.push("--pipeline", st.pipeline);
    if (slice.from) words.push("--from-nodes", slice.from);
    if (slice.to) words.push("--to-nodes", slice.to);
    return words.map(shellQuote).join(" ");
  };

  Viz.prototype.updateCommand = function () {
    var line = this.commandLine();
    this.command.hidden = !line;
    this.commandText.textContent = line;
    this.commandNote.textContent = line ? this.slice().note : "";
  };

  Viz.prototype.copyCommand = function () {
    var line = this.commandLine();
    var text = this.commandText;
    function selectText() {
      var range = document.createRange();
      range.selectNodeContents(text);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(line).catch(selectText);
    else selectText();
  };
})();
