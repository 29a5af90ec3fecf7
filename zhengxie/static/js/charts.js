// Charts of the analysis pages, drawn with the locally served Apache ECharts.
// Each <div data-chart="key" data-kind="pie|bar" hidden> draws data[key] = {labels: [...], values: [...]} from
// the page's <script id="chart-data" type="application/json">; with `urls: [...]` a click on a segment
// opens the records behind it, and `unit` names what is counted (篇 unless given). The same figures are
// in the tables beside the charts, so the page reads the same without JavaScript.
(function () {
  var source = document.getElementById("chart-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var font = window.getComputedStyle(document.documentElement).fontFamily;
  var palette = ["#b71c1c", "#0b57a4", "#1b7f3b", "#a15c00", "#6a1b9a", "#00838f", "#c2185b", "#5d4037", "#455a64"];
  var charts = [];
  // People who ask for less motion (and screenshots) get the finished chart at once.
  var animation = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function pie(spec, narrow) {
    return {
      animation: animation,
      color: palette,
      textStyle: { fontFamily: font },
      tooltip: { trigger: "item", formatter: "{b}：{c} " + (spec.unit || "篇") + "（{d}%）" },
      legend: { bottom: 0, type: "scroll" },
      series: [
        {
          type: "pie",
          radius: narrow ? ["30%", "58%"] : ["35%", "65%"],
          center: ["50%", "45%"],
          avoidLabelOverlap: true,
          label: { show: !narrow, formatter: "{b}\n{c} " + (spec.unit || "篇") },
          data: spec.labels.map(function (label, i) {
            return { name: label, value: spec.values[i] };
          }),
        },
      ],
    };
  }

  // Horizontal bars: long Chinese labels stay readable on a phone; the largest value on top.
  function bar(spec, narrow) {
    var labels = spec.labels.slice().reverse();
    var values = spec.values.slice().reverse();
    return {
      animation: animation,
      color: palette,
      textStyle: { fontFamily: font },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + " " + (spec.unit || "篇"); } },
      grid: { left: 8, right: 36, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, axisLabel: { show: !narrow } },
      yAxis: {
        type: "category",
        data: labels,
        axisTick: { show: false },
        axisLabel: { width: narrow ? 96 : 160, overflow: "truncate" },
      },
      series: [{ type: "bar", data: values, barMaxWidth: 22, label: { show: true, position: "right", color: "#222" } }],
    };
  }

  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var spec = data[box.dataset.chart];
    if (!spec || !spec.values.length) return;
    // Hidden until drawn, so that without JavaScript the page shows the tables and no empty boxes.
    box.hidden = false;
    var narrow = box.clientWidth < 480;
    if (box.dataset.kind === "bar") box.style.height = Math.max(160, spec.values.length * 30 + 24) + "px";
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption(box.dataset.kind === "pie" ? pie(spec, narrow) : bar(spec, narrow));
    if (spec.urls) {
      box.style.cursor = "pointer";
      chart.on("click", function (event) {
        // Bars are drawn largest on top, in reverse: find the segment by its label.
        var url = spec.urls[spec.labels.indexOf(event.name)];
        if (url) window.location.href = url;
      });
    }
    box.classList.add("drawn");
    charts.push(chart);
  });

  var pending;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      charts.forEach(function (chart) {
        chart.resize();
      });
    }, 150);
  });
})();
