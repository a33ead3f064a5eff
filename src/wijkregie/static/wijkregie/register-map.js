// The registration form's pick-a-point map: a tap on a neighbourhood puts a marker there,
// fills in the hidden WGS84 point (the server turns it into RD New and finds the buurt
// again) and chooses that buurt in the area list. The coordinate fields stay for keyboard
// users; typing in them drops the map's point so that one location is sent.
(function () {
  "use strict";
  var form = document.querySelector("form.register-form");
  if (!form) { return; }
  var byName = function (name) { return form.querySelector("[name='" + name + "']"); };
  var lat = byName("lat"), lon = byName("lon"), x = byName("x_rd"), y = byName("y_rd");
  var area = byName("area_code"), status = document.getElementById("pick-status");

  // Enter in a field registers the signal; only in the place field does it find a place.
  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || target.tagName !== "INPUT") { return; }
    event.preventDefault();
    var button = target.name === "place" ? byName("locate") : byName("register");
    if (button) { button.click(); }
  });
  [x, y].forEach(function (input) {
    if (input) { input.addEventListener("input", function () { lat.value = ""; lon.value = ""; }); }
  });

  var element = document.getElementById("pick-map");
  var source = element && document.getElementById(element.dataset.pickFeatures);
  if (!source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  if (!data.features.length) { return; }
  var map = L.map(element, { attributionControl: false, zoomSnap: 0.25, keyboard: true,
                             tap: true });
  if (window.wijkregieBasemap) { window.wijkregieBasemap(map, element); }
  var marker = null;
  var choose = function (latlng, feature) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    x.value = "";
    y.value = "";
    if (marker) { marker.setLatLng(latlng); } else {
      marker = L.circleMarker(latlng, { radius: 9, color: "#000000", weight: 3,
                                        fillColor: "#ffcc00", fillOpacity: 1 }).addTo(map);
    }
    if (feature) {
      var props = feature.properties;
      if (area && area.querySelector("option[value='" + props.code + "']")) { area.value = props.code; }
      status.textContent = element.dataset.chosen + ": " + props.name + " (" + props.code + ")";
      status.dataset.code = props.code;
    } else {
      if (area) { area.value = ""; }
      status.textContent = element.dataset.outside;
      status.dataset.code = "";
    }
  };
  var layer = L.geoJSON(data, {
    style: function () { return { color: "#1f4e79", weight: 1.5, fillColor: "#9ecae1", fillOpacity: 0.35 }; },
    onEachFeature: function (feature, featureLayer) {
      featureLayer.bindTooltip(feature.properties.name + " (" + feature.properties.code + ")");
      featureLayer.on("click", function (event) {
        L.DomEvent.stopPropagation(event);
        choose(event.latlng, feature);
      });
    }
  }).addTo(map);
  map.on("click", function (event) { choose(event.latlng, null); });
  map.fitBounds(layer.getBounds(), { padding: [8, 8] });
})();
