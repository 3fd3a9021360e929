// Progressive enhancement only: every page works without this file.
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// The association form proposes the state's time zone when the state changes, unless the
// person chose another zone themselves.
(function () {
  var zoneField = document.querySelector("[data-follows-state]");
  if (!zoneField) { return; }
  var stateField = document.getElementById(zoneField.getAttribute("data-follows-state"));
  if (!stateField) { return; }
  var zones = JSON.parse(stateField.getAttribute("data-time-zones") || "{}");
  var previous = stateField.value;
  if (!zoneField.value) { zoneField.value = zones[previous] || "UTC"; }
  stateField.addEventListener("change", function () {
    var proposed = zones[stateField.value] || "UTC";
    if (!zoneField.value || zoneField.value === (zones[previous] || "UTC")) {
      zoneField.value = proposed;
    }
    previous = stateField.value;
  });
}());

// Wide tables become stacked cards on phones (app.css): each cell is labelled with its
// column's heading, once, for every list. A table opts out with data-no-stack.
(function () {
  var tables = document.querySelectorAll(".table-responsive > table, table.table-sort");
  Array.prototype.forEach.call(tables, function (table) {
    if (table.hasAttribute("data-no-stack") || !table.tHead) { return; }
    var headings = Array.prototype.map.call(table.tHead.rows[0].cells, function (cell) {
      return cell.textContent.replace(/[▲▼]/g, "").trim();
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var label = headings[column];
          if (label && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", label); }
          column += cell.colSpan || 1;
        });
      });
    });
    table.classList.add("table-stacked");
  });
}());

// The budget's editable table: add and remove rows, and show unsaved totals as you type.
(function () {
  var table = document.getElementById("lines-table");
  if (!table) { return; }
  var body = table.tBodies[0];

  function parse(value) {
    var number = parseFloat(String(value || "").replace(/[$,\s]/g, ""));
    return isNaN(number) ? 0 : number;
  }
  // In the page's language, as the server prints amounts: $12,345.67 in English,
  // 12.345,67 US$ in Spanish, 12.345,67 USD in Italian …
  var language = document.documentElement.lang || "en";
  function format(number) {
    var locale = language === "en" ? "en-US" : language;
    return number.toLocaleString(locale, { style: "currency", currency: "USD" });
  }
  function recompute() {
    var sums = { income: 0, expense: 0 };
    Array.prototype.forEach.call(body.rows, function (row) {
      var kind = row.querySelector("[data-kind]");
      var amount = row.querySelector("[data-amount]");
      if (kind && amount) { sums[kind.value] += parse(amount.value); }
    });
    table.querySelector("[data-live=income]").textContent = format(sums.income);
    table.querySelector("[data-live=expense]").textContent = format(sums.expense);
  }
  function renumber() {
    Array.prototype.forEach.call(body.rows, function (row, index) {
      row.querySelectorAll("[name^=lines-]").forEach(function (field) {
        field.name = field.name.replace(/^lines-\d+-/, "lines-" + (index + 1) + "-");
      });
    });
  }
  document.querySelector("[data-add-row]").addEventListener("click", function () {
    var last = body.rows[body.rows.length - 1];
    var copy = last.cloneNode(true);
    copy.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    copy.querySelectorAll(".is-invalid").forEach(function (f) { f.classList.remove("is-invalid"); });
    copy.querySelectorAll(".invalid-feedback").forEach(function (f) { f.remove(); });
    body.appendChild(copy);
    renumber();
    copy.querySelector("input").focus();
  });
  body.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-row]");
    if (!button) { return; }
    var row = button.closest("tr");
    if (body.rows.length > 1) { row.remove(); } else {
      row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    }
    renumber();
    recompute();
  });
  body.addEventListener("input", recompute);
  body.addEventListener("change", recompute);
  recompute();
}());

// A notice's live preview: the Markdown is rendered and sanitized by the server (the same
// code that renders the published notice), a moment after typing stops.
(function () {
  var source = document.querySelector("[data-preview-url]");
  if (!source) { return; }
  var target = document.getElementById(source.getAttribute("data-preview-target"));
  var token = source.form.querySelector("[name=csrf_token]");
  var timer = null;
  var sent = 0;
  function refresh() {
    var body = new FormData();
    body.append("body", source.value);
    if (token) { body.append("csrf_token", token.value); }
    var mine = ++sent;
    fetch(source.getAttribute("data-preview-url"), {
      method: "POST", body: body, credentials: "same-origin"
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html !== null && mine === sent) { target.innerHTML = html; }
    }).catch(function () {});
  }
  source.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
})();
