/* Topic page: the coverage-by-side chart. Optional: the table beside it has the figures. */
(function () {
  "use strict";

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  /* Stripes for Left, dots for Right, plain for Center, as on the story page. */
  function pattern(kind, colour) {
    var tile = document.createElement("canvas");
    tile.width = 8;
    tile.height = 8;
    var ctx = tile.getContext("2d");
    ctx.fillStyle = colour;
    ctx.fillRect(0, 0, 8, 8);
    ctx.strokeStyle = ctx.fillStyle = cssVar("--pattern-ink", "rgba(255,255,255,0.55)");
    if (kind === "left") {
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(0, 8);
      ctx.lineTo(8, 0);
      ctx.stroke();
    } else if (kind === "right") {
      ctx.beginPath();
      ctx.arc(4, 4, 1.5, 0, 2 * Math.PI);
      ctx.fill();
    }
    return ctx.createPattern(tile, "repeat");
  }

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
