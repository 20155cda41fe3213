/* Topic page: the coverage-by-side chart. Optional: the table beside it has the figures. */
(function () {
  "use strict";

  var cssVar = window.NewsdeskCharts.cssVar;
  var pattern = window.NewsdeskCharts.pattern;

  function draw() {
    var canvas = document.getElementById("topic-chart");
    var source = document.getElementById("topic-chart-data");
    if (!canvas || !source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var colours = {
      left: cssVar("--left", "#2166ac"),
      center: cssVar("--center", "#7a7a86"),
      right: cssVar("--right", "#b2182b"),
    };
    canvas.hidden = false;
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.sides.map(function (side) {
          return {
            label: side.label,
            data: side.counts,
            backgroundColor: pattern(side.key, colours[side.key]),
            borderColor: cssVar("--bg", "#fff"),
            borderWidth: 1,
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: true, ticks: { color: cssVar("--muted", "#555") } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0, color: cssVar("--muted", "#555") } },
        },
        plugins: { legend: { labels: { color: cssVar("--fg", "#111") } } },
      },
    });
    canvas.dataset.drawn = "true";
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
