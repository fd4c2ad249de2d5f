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
// The meeting form lists who was expected for the chosen kind and date, and its fields depend on
// the kind: when either changes, the form for the new kind and day is fetched and put in place,
// and everything already typed is carried over (without JavaScript, the form's "update" button
// does the same through the server).
function formValues(form) {
  var values = {};
  form.querySelectorAll("input, select, textarea").forEach(function (el) {
    if (!el.name || el.name === "_csrf" || el.name === "kind" || el.name === "held_on") return;
    if (el.type === "radio" || el.type === "checkbox") {
      if (el.checked) values[el.name] = el.value;
      else if (!(el.name in values)) values[el.name] = null;
    } else {
      values[el.name] = el.value;
    }
  });
  return values;
}
function restoreValues(form, values) {
  form.querySelectorAll("input, select, textarea").forEach(function (el) {
    if (!(el.name in values) || el.name === "_csrf" || el.name === "kind" || el.name === "held_on") return;
    var v = values[el.name];
    if (el.type === "radio" || el.type === "checkbox") el.checked = v !== null && el.value === v;
    else if (v !== null && (el.tagName !== "SELECT" || el.querySelector("option[value='" + CSS.escape(v) + "']"))) el.value = v;
  });
}
var refreshRow = document.getElementById("refresh-row");
if (refreshRow) refreshRow.hidden = true;
document.addEventListener("change", function (e) {
  var form = e.target.form;
  if (!form || form.id !== "meeting-form") return;
  if (e.target.name !== "kind" && e.target.name !== "held_on") return;
  var kind = form.querySelector("[name=kind]").value;
  var date = form.querySelector("[name=held_on]").value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return;
  var values = formValues(form);
  var query = "?kind=" + encodeURIComponent(kind) + "&date=" + encodeURIComponent(date);
  fetch(window.location.pathname + query, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
    .then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("meeting-form");
      if (!fresh) return;
      form.innerHTML = fresh.innerHTML;
      form.setAttribute("data-kind", fresh.getAttribute("data-kind") || "");
      restoreValues(form, values);
      var row = document.getElementById("refresh-row");
      if (row) row.hidden = true;
      form.querySelectorAll("textarea[data-rich]").forEach(richText);
      history.replaceState(null, "", query);
    })
    .catch(function () { window.location.search = query; });
});
// Minutes as rich text: an editable area with a few commands over the plain textarea, which
// keeps the HTML that is submitted (the server sanitizes it). Without JavaScript, the textarea
// takes plain text.
function richText(ta) {
  var bar = document.createElement("div");
  bar.className = "rich-bar";
  var area = document.createElement("div");
  area.className = "rich-area";
  area.contentEditable = "true";
  area.setAttribute("role", "textbox");
  area.setAttribute("aria-multiline", "true");
  area.setAttribute("aria-label", ta.getAttribute("aria-label") || "会议记录");
  area.id = ta.id + "-rich";
  area.innerHTML = ta.value;
  [["bold", "加粗"], ["insertUnorderedList", "列表"], ["insertOrderedList", "编号"], ["removeFormat", "清除格式"]]
    .forEach(function (c) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = c[1];
      b.addEventListener("click", function () { area.focus(); document.execCommand(c[0]); sync(); });
      bar.appendChild(b);
    });
  function sync() { ta.value = area.innerHTML; }
  area.addEventListener("input", sync);
  ta.style.display = "none";
  ta.parentNode.insertBefore(bar, ta);
  ta.parentNode.insertBefore(area, ta);
  if (ta.form) ta.form.addEventListener("submit", sync);
}
document.querySelectorAll("textarea[data-rich]").forEach(richText);
