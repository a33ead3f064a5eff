// Draws the page's areas (GeoJSON in a json_script element) with Leaflet, without tiles:
// municipal networks may be offline, and the boundaries themselves are the information.
(function () {
  "use strict";
  document.querySelectorAll(".map[data-features]").forEach(function (element) {
    var source = document.getElementById("map-data");
    if (!source || typeof L === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    if (!data.features.length) { return; }
    var map = L.map(element, { attributionControl: false, zoomSnap: 0.25 });
    var layer = L.geoJSON(data, {
      style: function () { return { color: "#1f4e79", weight: 1.5, fillColor: "#9ecae1", fillOpacity: 0.45 }; },
      onEachFeature: function (feature, featureLayer) {
        featureLayer.bindTooltip(feature.properties.name + " (" + feature.properties.code + ")");
        if (feature.properties.url) {
          featureLayer.on("click", function () { window.location.href = feature.properties.url; });
        }
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [8, 8] });
  });
})();
