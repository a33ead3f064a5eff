// The intake's draw-a-polygon map: each tap adds a corner of the plan area; the polygon
// is written as GeoJSON into the coordinates field, which stays the way for keyboard
// users (one "latitude longitude" per line). Typing there drops the drawn corners.
(function () {
  "use strict";
  var element = document.getElementById("draw-map");
  var source = element && document.getElementById(element.dataset.drawFeatures);
  var target = element && document.getElementById(element.dataset.drawTarget);
  if (!source || !target || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  if (!data.features.length) { return; }
  var status = document.getElementById("draw-status");
  var undo = document.getElementById("draw-undo"), clear = document.getElementById("draw-clear");
  var map = L.map(element, { attributionControl: false, zoomSnap: 0.25, keyboard: true, tap: true });
  if (window.wijkregieBasemap) { window.wijkregieBasemap(map, element); }
  var layer = L.geoJSON(data, {
    style: function () { return { color: "#1f4e79", weight: 1.5, fillColor: "#9ecae1", fillOpacity: 0.25 }; },
    onEachFeature: function (feature, featureLayer) {
      featureLayer.bindTooltip(feature.properties.name + " (" + feature.properties.code + ")");
    }
  }).addTo(map);
  map.fitBounds(layer.getBounds(), { padding: [8, 8] });
  var corners = [];
  var shape = L.polygon([], { color: "#000000", weight: 3, fillColor: "#ffcc00", fillOpacity: 0.4 }).addTo(map);

  var write = function () {
    shape.setLatLngs(corners);
    if (corners.length >= 3) {
      var ring = corners.map(function (c) { return [+c.lng.toFixed(6), +c.lat.toFixed(6)]; });
      ring.push(ring[0]);
      target.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
    } else {
      target.value = corners.map(function (c) { return c.lat.toFixed(6) + " " + c.lng.toFixed(6); }).join("\n");
    }
    status.textContent = corners.length ? corners.length + " " + element.dataset.points : "";
    undo.hidden = clear.hidden = !corners.length;
  };
  // A tap on a neighbourhood bubbles up to the map: one corner per tap.
  map.on("click", function (event) { corners.push(event.latlng); write(); });
  undo.addEventListener("click", function () { corners.pop(); write(); });
  clear.addEventListener("click", function () { corners = []; write(); });
  target.addEventListener("input", function () { corners = []; shape.setLatLngs([]); undo.hidden = clear.hidden = true; });
})();
