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
// Minutes as rich text: an editable area with a few commands over the plain textarea, which
// keeps the HTML that is submitted (the server sanitizes it). Without JavaScript, the textarea
// takes plain text.
document.querySelectorAll("textarea[data-rich]").forEach(function (ta) {
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
});
