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
