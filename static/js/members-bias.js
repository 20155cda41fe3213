/* My News Bias: draws the reader's bias and factuality charts from the json_script data.
   Without Chart.js (or JavaScript) the tables below the canvases carry the same figures. */
(function () {
  "use strict";
  var source = document.getElementById("reading-chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);

  function draw(id, labels, counts, colors) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    canvas.hidden = false;
    new Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: [{ label: "Articles", data: counts, backgroundColor: colors }] },
      options: {
        indexAxis: "y",
        animation: false,
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }

  draw("reading-bias-chart", data.side_labels, data.side_counts, ["#1f5fbf", "#8a8a8a", "#c0392b"]);
  draw("reading-factuality-chart", data.factuality_labels, data.factuality_counts, "#2e7d5b");
})();
