/* What every bias chart shares: the site's colours from CSS and the fill patterns that keep
   the sides apart without colour (stripes for Left, dots for Right, plain for Center). */
(function () {
  "use strict";

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

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

  window.NewsdeskCharts = { cssVar: cssVar, pattern: pattern };
})();
