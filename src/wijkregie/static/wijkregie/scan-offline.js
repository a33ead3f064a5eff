// The scan round keeps its entered work in this browser (localStorage): every change is
// stored, a reload fills it in again, and a round saved while the connection is down is
// sent when it returns. The form's token makes the server save a resent round once.
(function () {
  "use strict";
  var form = document.querySelector("form[data-offline-key]");
  if (!form || !window.localStorage || !window.fetch) { return; }
  var key = form.dataset.offlineKey, status = document.getElementById("scan-status");
  var say = function (text) { if (status) { status.textContent = text; } };

  var read = function () {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  };
  var store = function (pending) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      fields.push([el.name, el.value]);
    });
    localStorage.setItem(key, JSON.stringify({ fields: fields, pending: !!pending }));
  };
  var restore = function (saved) {
    var values = {};
    saved.fields.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || !(el.name in values)) {
        if (el.type === "radio" || el.type === "checkbox") { el.checked = false; }
        return;
      }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = values[el.name].indexOf(el.value) !== -1;
      } else {
        el.value = values[el.name][0];
      }
    });
  };
  var send = function () {
    var saved = read();
    if (!saved || !saved.pending) { return; }
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    saved.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    say(form.dataset.sending);
    fetch(form.action || window.location.href, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        if (response.ok && response.redirected) {  // saved (now, or by an earlier send)
          localStorage.removeItem(key);
          window.location.href = response.url;
          return;
        }
        // Refused (a required item missing, say): show the server's answer as usual.
        store(false);
        HTMLFormElement.prototype.submit.call(form);
      })
      .catch(function () { say(form.dataset.kept); });
  };

  var saved = read();
  if (saved && saved.fields && !document.querySelector(".scan-form .errors")) {
    restore(saved);
    say(form.dataset.restored);
  }
  form.addEventListener("input", function () { store(false); });
  form.addEventListener("change", function () { store(false); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    store(true);
    if (navigator.onLine === false) { say(form.dataset.kept); return; }
    send();
  });
  window.addEventListener("online", send);
  if (saved && saved.pending && navigator.onLine !== false) { send(); }
})();
