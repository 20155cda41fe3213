/* Story page enhancements. Everything here is optional: without it the page still shows the
   articles (tabs and sorting are plain links) and the bias figures as a table. */
(function () {
  "use strict";

  var cssVar = window.NewsdeskCharts.cssVar;
  var pattern = window.NewsdeskCharts.pattern;

  /* Draw a chart on canvas #canvasId from the JSON in #dataId (from json_script), if both
     are on the page. buildConfig(data) returns the Chart.js configuration. */
  function drawFrom(canvasId, dataId, buildConfig) {
    var canvas = document.getElementById(canvasId);
    var source = document.getElementById(dataId);
    if (!canvas || !source || typeof window.Chart === "undefined") {
      return null;
    }
    var config = buildConfig(JSON.parse(source.textContent));
    canvas.hidden = false;
    var chart = new window.Chart(canvas, config);
    canvas.dataset.drawn = "true";
    return chart;
  }

  function biasChartConfig(data) {
    var colours = {
      left: cssVar("--left", "#2166ac"),
      center: cssVar("--center", "#7a7a86"),
      right: cssVar("--right", "#b2182b"),
    };
    return {
      type: "bar",
      data: {
        labels: ["Sources"],
        datasets: data.sides.map(function (side) {
          return {
            label: side.label,
            data: [side.share],
            backgroundColor: pattern(side.key, colours[side.key]),
            borderColor: cssVar("--bg", "#fff"),
            borderWidth: 1,
            points: side.points,
            count: side.count,
          };
        }),
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: true, min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; }, color: cssVar("--muted", "#555") } },
          y: { stacked: true, display: false },
        },
        plugins: {
          legend: { position: "bottom", labels: { color: cssVar("--fg", "#111") } },
          tooltip: {
            callbacks: {
              label: function (item) {
                var set = item.dataset;
                return set.label + ": " + set.count + " sources (" + item.raw + "%)";
              },
              afterLabel: function (item) {
                return item.dataset.points.map(function (point) {
                  return "  " + point.label + ": " + point.count + " (" + point.share + "%)";
                });
              },
            },
          },
        },
      },
    };
  }

  /* Premium only: the data element is rendered only for premium readers (server-side). */
  function factualityChartConfig(levels) {
    return {
      type: "bar",
      data: {
        labels: levels.map(function (level) { return level.label; }),
        datasets: [{
          label: "Sources",
          data: levels.map(function (level) { return level.count; }),
          backgroundColor: cssVar("--factuality", "#2e7d5b"),
        }],
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0, color: cssVar("--muted", "#555") } },
          y: { ticks: { color: cssVar("--fg", "#111") } },
        },
      },
    };
  }

  /* Tabs and sorting: fetch the same page with the new query and swap the article list. */
  function enhanceArticles() {
    var section = document.getElementById("articles");
    if (!section || !window.fetch || !window.DOMParser) {
      return;
    }
    section.addEventListener("click", function (event) {
      var link = event.target.closest(".tabs a, .sort a");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
        return;
      }
      event.preventDefault();
      var url = new URL(link.href, window.location.href);
      section.classList.add("loading");
      section.setAttribute("aria-busy", "true");
      fetch(url.pathname + url.search, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.text();
        })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("articles");
          if (!fresh) {
            throw new Error("no article list in the response");
          }
          section.innerHTML = fresh.innerHTML;
          section.classList.remove("loading");
          section.removeAttribute("aria-busy");
          window.history.replaceState(null, "", url.pathname + url.search + "#articles");
          var current = section.querySelector('[aria-current="page"]');
          if (current) {
            current.focus();
          }
        })
        .catch(function () {
          window.location.assign(link.href);
        });
    });
  }

  drawFrom("bias-chart", "bias-chart-data", biasChartConfig);
  drawFrom("factuality-chart", "factuality-chart-data", factualityChartConfig);
  enhanceArticles();
})();
