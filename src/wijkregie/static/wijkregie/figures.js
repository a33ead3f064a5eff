// The indicator select switches to that indicator's page, keeping level and year.
(function () {
  "use strict";
  var select = document.getElementById("indicator-select");
  if (!select) { return; }
  select.addEventListener("change", function () {
    var form = document.getElementById("indicator-form");
    var params = new URLSearchParams(new FormData(form));
    params.delete("indicator");
    window.location.href = "/figures/indicators/" + encodeURIComponent(select.value) + "/?" + params.toString();
  });
})();
