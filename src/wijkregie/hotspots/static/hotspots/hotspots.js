// Hot spot map: cells (GeoJSON in the json_script "hotspot-data") coloured by class, with a
// period slider that switches between the overall classes and the per-period Gi* classes.
// No tile server (offline municipal networks); the table on the page carries the same data.
(function () {
  "use strict";
  var element = document.getElementById("hotspot-map");
  var source = document.getElementById("hotspot-data");
  if (!element || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = {}, periodColours = {};
  (data.metadata.legend || []).forEach(function (item) { colours[item.code] = item.colour; });
  (data.metadata.period_legend || []).forEach(function (item) { periodColours[item.code] = item.colour; });
  var slider = document.getElementById("period-slider");
  var label = document.getElementById("period-label");
  var cellSelect = document.getElementById("id_cell");
  var period = 0;  // 0: overall classes, t: period t (1-based)

  function classOf(feature) {
    if (period === 0) { return feature.properties["class"]; }
    return (feature.properties.period_classes || [])[period - 1] || 0;
  }
  function style(feature) {
    var code = classOf(feature);
    var fill = (period === 0 ? colours : periodColours)[code] || "#ffffff";
    if (code === 0) {  // not significant: a faint grid, nothing to find
      return { color: "#767676", weight: 0.3, fillColor: fill, fillOpacity: 0.15 };
    }
    // A significant cell keeps an outline of at least 3:1 against its fill (contrast.js).
    return { color: window.wijkregieOutline(fill, 0.8), weight: 1, fillColor: fill,
             fillOpacity: 0.8 };
  }
  var map = L.map(element, { attributionControl: false, zoomSnap: 0.25 });
  var layer = L.geoJSON(data, {
    style: style,
    onEachFeature: function (feature, featureLayer) {
      featureLayer.bindTooltip(function () {
        var p = feature.properties;
        return p.id + ": " + p.class_name + (p.total === null ? "" : " (" + p.total + ")");
      });
      featureLayer.on("click", function () {
        if (!cellSelect) { return; }
        var id = String(feature.properties.id);
        if (!cellSelect.querySelector('option[value="' + id + '"]')) {
          var option = document.createElement("option");
          option.value = id;
          option.textContent = id + " · " + feature.properties.class_name;
          cellSelect.appendChild(option);
        }
        cellSelect.value = id;
      });
    }
  }).addTo(map);
  if (data.features.length) { map.fitBounds(layer.getBounds(), { padding: [8, 8] }); }

  if (slider) {
    var periods = slider.dataset.periods.split(",");
    var overall = document.getElementById("legend-overall");
    var perPeriod = document.getElementById("legend-period");
    var names = {};
    (data.metadata.period_legend || []).forEach(function (item) { names[item.code] = item.name; });
    slider.addEventListener("input", function () {
      period = parseInt(slider.value, 10);
      label.textContent = period === 0 ? slider.dataset.overall : periods[period - 1];
      overall.hidden = period !== 0;
      perPeriod.hidden = period === 0;
      layer.setStyle(style);
      document.querySelectorAll("#top-cells tbody tr").forEach(function (row) {
        var cell = row.querySelector(".period-class");
        var classes = row.dataset.periodClasses.split(",");
        cell.textContent = period === 0 ? "–" : (names[classes[period - 1]] || "–");
      });
    });
  }
})();
