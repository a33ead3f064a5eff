// WCAG 1.4.11 (non-text contrast) on the maps: the outline of an area or cell differs at
// least 3:1 from its fill as drawn (the fill blended over the map background at its
// opacity), so every class of a choropleth or hot spot map keeps a visible boundary.
(function () {
  "use strict";
  var DARK = "#1b1b1b", LIGHT = "#ffffff";

  function rgb(hex) {
    var h = hex.replace("#", "");
    if (h.length === 3) { h = h[0] + h[0] + h[1] + h[1] + h[2] + h[2]; }
    return [0, 2, 4].map(function (i) { return parseInt(h.substr(i, 2), 16); });
  }
  function luminance(c) {
    var lin = c.map(function (v) {
      v = v / 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  }
  function ratio(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function blend(fill, background, opacity) {
    return fill.map(function (v, i) { return Math.round(v * opacity + background[i] * (1 - opacity)); });
  }

  // The outline colour for a fill drawn at `opacity` over `background` (hex colours).
  window.wijkregieOutline = function (fill, opacity, background) {
    var shown = blend(rgb(fill), rgb(background || LIGHT), opacity === undefined ? 1 : opacity);
    return ratio(shown, rgb(DARK)) >= ratio(shown, rgb(LIGHT)) ? DARK : LIGHT;
  };
})();
