// The dashboard's two charts (ECharts, vendored): the figure's trend and the subordinate
// unions ranked. The same numbers are in the tables under each chart.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("stats-chart-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var red = "#c8161d";
    var trend = document.getElementById("stats-trend");
    if (trend) {
      var chart = window.echarts.init(trend, null, { renderer: "canvas" });
      chart.setOption({
        color: [red],
        tooltip: { trigger: "axis" },
        grid: { left: 56, right: 16, top: 24, bottom: 48 },
        xAxis: { type: "category", data: data.labels, axisLabel: { hideOverlap: true } },
        yAxis: { type: "value", name: data.unit, minInterval: 1 },
        series: [{ name: data.figure, type: data.labels.length > 1 ? "line" : "bar", data: data.values,
                   smooth: false, areaStyle: { opacity: 0.08 }, connectNulls: true }],
        animation: false
      });
      window.addEventListener("resize", function () { chart.resize(); });
      trend.setAttribute("data-drawn", "1");
    }
    var ranked = document.getElementById("stats-breakdown");
    if (ranked && data.breakdown.length) {
      var rows = data.breakdown.slice().reverse();
      ranked.style.height = Math.max(160, rows.length * 28 + 60) + "px";
      var bars = window.echarts.init(ranked, null, { renderer: "canvas" });
      bars.setOption({
        color: [red],
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 8, right: 40, top: 8, bottom: 24, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: rows.map(function (r) { return r.name; }),
                 axisLabel: { width: 140, overflow: "truncate" } },
        series: [{ name: data.figure, type: "bar", data: rows.map(function (r) { return r.value; }),
                   label: { show: true, position: "right" } }],
        animation: false
      });
      window.addEventListener("resize", function () { bars.resize(); });
      ranked.setAttribute("data-drawn", "1");
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
