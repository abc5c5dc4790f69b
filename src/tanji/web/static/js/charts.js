/* Tanji result charts (ECharts, SVG renderer).
 *
 * The page carries its numbers and translated labels in a JSON data island,
 * <script type="application/json" id="chart-data">{"labels": {...}, "data": {...}}</script>,
 * and marks each chart container with data-chart="stages|gases|flow|histogram|compare".
 * Nothing here is language-specific: every visible word comes from the island.
 */
(function () {
  "use strict";

  var PALETTE = ["#1b6e4f", "#3f9a74", "#7fc3a0", "#c9a227", "#4f6d8f", "#9bb0c6", "#b5654a", "#6f5a8a"];
  var INK = "#1f2933";
  var MUTED = "#5f6b7a";
  var LINE = "#d9e0e7";
  var FONT = getComputedStyle(document.documentElement).fontFamily;

  function number(value, digits) {
    var lang = document.documentElement.lang || "zh-CN";
    return new Intl.NumberFormat(lang, { maximumSignificantDigits: digits || 4 }).format(value);
  }

  function percent(value) {
    var lang = document.documentElement.lang || "zh-CN";
    var format = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 1 });
    return value > 0 && value < 0.001 ? "< " + format.format(0.001) : format.format(value);
  }

  function shorten(text, size) {
    return text.length > size ? text.slice(0, size - 1) + "…" : text;
  }

  function base() {
    return {
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: FONT, color: INK },
      tooltip: { confine: true, textStyle: { fontFamily: FONT } },
    };
  }

  function stages(data, labels, width) {
    var rows = data.stages.slice().reverse();
    // Stage names in full, broken over lines when long ("Raw material acquisition" was
    // cut to "Raw material acq…"): up to 40 % of the chart's width.
    var room = Math.max(80, Math.min(200, Math.round((width || 480) * 0.4)));
    return Object.assign(base(), {
      grid: { left: 8, right: 72, top: 8, bottom: 28, containLabel: true },
      tooltip: { trigger: "item", valueFormatter: function (v) { return number(v) + " " + labels.kg; } },
      xAxis: { type: "value", name: labels.kg, nameLocation: "middle", nameGap: 22,
        axisLabel: { color: MUTED }, splitLine: { lineStyle: { color: LINE } } },
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }),
        axisLabel: { color: INK, width: room, overflow: "break", lineHeight: 15 }, axisTick: { show: false } },
      series: [{
        type: "bar", barMaxWidth: 26, data: rows.map(function (r) { return r.value; }),
        itemStyle: { color: function (p) { return p.value < 0 ? "#b5654a" : PALETTE[0]; }, borderRadius: [0, 3, 3, 0] },
        label: { show: true, position: "right", color: INK, formatter: function (p) { return number(p.value); } },
      }],
    });
  }

  function gases(data, labels, width) {
    var negative = data.gases.some(function (g) { return g.value < 0; });
    if (negative) {
      return stages({ stages: data.gases }, labels, width);
    }
    var total = data.gases.reduce(function (sum, g) { return sum + g.value; }, 0);
    var narrow = (width || 480) < 480;
    return Object.assign(base(), {
      tooltip: { trigger: "item", formatter: function (p) {
        return p.marker + p.name + "<br>" + number(p.value) + " " + labels.kg + " (" + percent(p.percent / 100) + ")";
      } },
      // On a phone the legend goes under the ring (beside it, it covered the ring).
      legend: { orient: "vertical", itemWidth: 12, itemHeight: 12,
        right: narrow ? "auto" : 0, left: narrow ? 0 : "auto",
        top: narrow ? "auto" : "middle", bottom: narrow ? 0 : "auto",
        textStyle: { color: INK, width: narrow ? (width || 320) - 40 : Math.round((width || 480) * 0.42),
          overflow: "break" },
        formatter: function (name) {
          var gas = data.gases.filter(function (g) { return g.name === name; })[0];
          return name + "  " + percent(total ? gas.value / total : 0);
        } },
      series: [{
        type: "pie", radius: narrow ? ["26%", "42%"] : ["46%", "74%"],
        center: narrow ? ["50%", "30%"] : ["30%", "50%"],
        itemStyle: { borderColor: "#fff", borderWidth: 2 },
        // Slices under 3 % get no label (they would overlap); the legend names them all.
        label: { position: "inside", color: "#fff", fontWeight: 600,
          formatter: function (p) { return p.percent >= 3 ? percent(p.percent / 100) : ""; } },
        labelLine: { show: false },
        data: data.gases.map(function (g) { return { name: g.name, value: g.value }; }),
      }],
    });
  }

  function flow(data, labels) {
    var names = {};
    data.flow.nodes.forEach(function (n) { names[n.name] = n.label; });
    return Object.assign(base(), {
      tooltip: { trigger: "item", formatter: function (p) {
        if (p.dataType === "edge") {
          return names[p.data.source] + " → " + names[p.data.target] + "<br>" + number(p.value) + " " + labels.unit;
        }
        return names[p.name] + "<br>" + number(p.value) + " " + labels.unit;
      } },
      series: [{
        type: "sankey", left: 8, right: 250, top: 12, bottom: 12, nodeGap: 14, nodeWidth: 14,
        draggable: false, emphasis: { focus: "adjacency" },
        data: data.flow.nodes.map(function (n, i) {
          var depth = n.name === "total" ? 0 : n.name.indexOf("stage:") === 0 ? 1 : 2;
          return { name: n.name, itemStyle: { color: depth === 0 ? "#134e39" : depth === 1 ? PALETTE[1] : PALETTE[2 + (i % 5)] } };
        }),
        links: data.flow.links,
        lineStyle: { color: "gradient", opacity: 0.35, curveness: 0.5 },
        label: { color: INK, formatter: function (p) { return shorten(names[p.name], 24) + "  " + number(p.value); } },
      }],
    });
  }

  function histogram(data, labels) {
    var h = data.histogram;
    var points = h.counts.map(function (c, i) { return [h.edges[i], c]; });
    points.push([h.edges[h.edges.length - 1], h.counts[h.counts.length - 1]]);
    function mark(value, label, style) {
      return { xAxis: value, name: label, lineStyle: style, label: { formatter: label + "\n" + number(value), color: INK } };
    }
    return Object.assign(base(), {
      grid: { left: 8, right: 24, top: 48, bottom: 36, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return number(v); } },
      xAxis: { type: "value", scale: true, name: labels.unit, nameLocation: "middle", nameGap: 26,
        axisLabel: { color: MUTED, formatter: function (v) { return number(v, 3); } }, splitLine: { show: false } },
      yAxis: { type: "value", name: labels.frequency, axisLabel: { color: MUTED }, splitLine: { lineStyle: { color: LINE } } },
      series: [{
        type: "line", step: "end", symbol: "none", data: points, name: labels.frequency,
        lineStyle: { color: PALETTE[0], width: 1.5 }, areaStyle: { color: "rgba(27, 110, 79, 0.22)" },
        markLine: { symbol: "none", silent: true, data: [
          mark(h.p2_5, labels.p2_5, { color: MUTED, type: "dotted" }),
          mark(h.total, labels.computed, { color: "#134e39", type: "solid", width: 2 }),
          mark(h.p97_5, labels.p97_5, { color: MUTED, type: "dotted" }),
        ] },
      }],
    });
  }

  function compare(data, labels) {
    return Object.assign(base(), {
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, data: [labels.a, labels.b] },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return number(v) + " " + labels.kg; } },
      xAxis: { type: "category", data: data.stages, axisLabel: { color: INK, interval: 0, width: 90, overflow: "break" } },
      yAxis: { type: "value", name: labels.kg, axisLabel: { color: MUTED }, splitLine: { lineStyle: { color: LINE } } },
      series: [
        { name: labels.a, type: "bar", data: data.a, itemStyle: { color: PALETTE[5] }, barMaxWidth: 28 },
        { name: labels.b, type: "bar", data: data.b, itemStyle: { color: PALETTE[0] }, barMaxWidth: 28 },
      ],
    });
  }

  var BUILDERS = { stages: stages, gases: gases, flow: flow, histogram: histogram, compare: compare };

  function draw() {
    var island = document.getElementById("chart-data");
    if (!island || typeof echarts === "undefined") {
      return;
    }
    var payload = JSON.parse(island.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = BUILDERS[el.dataset.chart];
      if (!build) {
        return;
      }
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(build(payload.data, payload.labels, el.clientWidth));
      el.classList.add("chart-ready");
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
