// Small conveniences of our own; every page works without this file.
document.addEventListener("submit", function (e) {
  var form = e.target;
  var msg = form.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) {
    e.preventDefault();
    return;
  }
  // Prevent double submission of the same form.
  if (form.method.toLowerCase() === "post") {
    var buttons = form.querySelectorAll("button[type=submit]");
    setTimeout(function () { buttons.forEach(function (b) { b.disabled = true; }); }, 0);
  }
});
// Fill birth date and gender from an ID number as the person types it.
document.addEventListener("input", function (e) {
  if (e.target.name !== "id_number") return;
  var v = e.target.value.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(v)) return;
  var form = e.target.form;
  var birth = form.querySelector("[name=birth_date]");
  var gender = form.querySelector("[name=gender]");
  if (birth && !birth.value) birth.value = v.slice(6, 10) + "-" + v.slice(10, 12) + "-" + v.slice(12, 14);
  if (gender && !gender.value) gender.value = parseInt(v.charAt(16), 10) % 2 === 1 ? "male" : "female";
});
// The meeting form lists who was expected for the chosen kind and date: reload the list when
// either changes (without JavaScript, the page's own defaults still work).
document.addEventListener("change", function (e) {
  var form = e.target.form;
  if (!form || form.id !== "meeting-form") return;
  if (e.target.name !== "kind" && e.target.name !== "held_on") return;
  var kind = form.querySelector("[name=kind]").value;
  var date = form.querySelector("[name=held_on]").value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return;
  window.location.search = "?kind=" + encodeURIComponent(kind) + "&date=" + encodeURIComponent(date);
});
