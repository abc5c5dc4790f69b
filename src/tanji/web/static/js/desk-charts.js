/* The government desk's chart (ECharts, SVG renderer): products by city, stacked by
 * status, with the work plan's targets as markers. Numbers and translated labels come
 * from the page's JSON data island <script type="application/json" id="desk-data">.
 */
(function () {
  "use strict";

  var PALETTE = ["#9bb0c6", "#c9a227", "#1b6e4f"];
  var INK = "#1f2933";
  var MUTED = "#5f6b7a";

  function draw() {
    var island = document.getElementById("desk-data");
    var box = document.querySelector("[data-desk-chart=cities]");
    if (!island || !box || typeof echarts === "undefined") { return; }
    var data = JSON.parse(island.textContent);
    var font = getComputedStyle(document.documentElement).fontFamily;
    var series = data.series.map(function (s, i) {
      return { name: s.name, type: "bar", stack: "products", barMaxWidth: 22, data: s.data,
        itemStyle: { color: PALETTE[i % PALETTE.length] } };
    });
    if (data.targets.some(function (t) { return t; })) {
      series.push({ name: data.labels.target, type: "scatter", symbol: "diamond", symbolSize: 12,
        itemStyle: { color: "#b5654a" },
        data: data.targets.map(function (t) { return t === null ? "-" : t; }) });
    }
    var chart = echarts.init(box, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: font, color: INK },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      legend: { top: 0, textStyle: { color: INK } },
      grid: { left: 8, right: 24, top: 32, bottom: 28, containLabel: true },
      xAxis: { type: "value", name: data.labels.products, nameLocation: "middle", nameGap: 24,
        minInterval: 1, axisLabel: { color: MUTED } },
      yAxis: { type: "category", inverse: true, data: data.categories, axisLabel: { color: INK } },
      series: series,
    });
    box.setAttribute("data-drawn", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
