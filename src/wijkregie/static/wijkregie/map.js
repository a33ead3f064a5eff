// The optional basemap (WIJKREGIE_BASEMAP_URL): tiles under the boundaries, with their
// attribution; without it the map shows the boundaries only.
window.wijkregieBasemap = function (map, element) {
  "use strict";
  if (!element.dataset.basemapUrl) { return; }
  L.tileLayer(element.dataset.basemapUrl, { maxZoom: 19,
    attribution: element.dataset.basemapAttribution || "" }).addTo(map);
  if (element.dataset.basemapAttribution) {
    L.control.attribution({ prefix: false }).addAttribution(element.dataset.basemapAttribution).addTo(map);
  }
};
// Draws the page's areas (GeoJSON in a json_script element) with Leaflet, without tiles:
// municipal networks may be offline, and the boundaries themselves are the information.
(function () {
  "use strict";
  document.querySelectorAll(".map[data-features]").forEach(function (element) {
    var source = document.getElementById(element.dataset.features);
    if (!source || typeof L === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    if (!data.features.length) { return; }
    // Keyboard stays on: the focusable map pans with the arrow keys and zooms with +/-.
    var map = L.map(element, { attributionControl: false, zoomSnap: 0.25, keyboard: true });
    window.wijkregieBasemap(map, element);
    // Choropleth classes (0–4) when the features carry one; else a plain outline map.
    var classColours = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
    var style = function (feature) {
      var cls = feature.properties["class"];
      if (cls === undefined) {
        return { color: "#1f4e79", weight: 1.5, fillColor: "#9ecae1", fillOpacity: 0.45 };
      }
      var fill = cls === null ? "#cccccc" : classColours[cls];
      return { color: window.wijkregieOutline(fill, 0.85), weight: 1.5, fillOpacity: 0.85,
               fillColor: fill };
    };
    var layer = L.geoJSON(data, {
      style: style,
      onEachFeature: function (feature, featureLayer) {
        var label = feature.properties.name + (feature.properties.code ? " (" + feature.properties.code + ")" : "");
        if (feature.properties.text !== undefined) { label += ": " + feature.properties.text; }
        featureLayer.bindTooltip(label);
        if (feature.properties.url) {
          featureLayer.on("click", function () { window.location.href = feature.properties.url; });
        }
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [8, 8] });
  });
})();
