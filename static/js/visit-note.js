/*
 * The visit note form on a tablet: add and remove point rows, the point picker (server-side
 * search), protocols applied in one tap, electro-acupuncture rows. Without JavaScript the form
 * still works: blank rows are rendered by the server and protocols are applied by a submit.
 */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var form = document.querySelector("[data-visit-note]");
  if (!form) return;

  var pointRows = form.querySelector("[data-point-rows]");
  var electroRows = form.querySelector("[data-electro-rows]");
  var pointNames = {};
  var options = document.querySelectorAll("#acupuncture-points option");
  for (var i = 0; i < options.length; i++) {
    pointNames[options[i].value] = options[i].textContent;
  }

  function changed() {
    // Tell the autosave (and anything else listening) that the note changed.
    form.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function nextIndex(container, prefix) {
    var highest = -1;
    var inputs = container.querySelectorAll("[name^='" + prefix + "-']");
    for (var j = 0; j < inputs.length; j++) {
      var n = parseInt(inputs[j].name.split("-")[1], 10);
      if (!isNaN(n) && n > highest) highest = n;
    }
    return highest + 1;
  }

  function cloneRow(templateId, container, prefix, index) {
    var template = document.getElementById(templateId);
    var html = template.innerHTML.split("__index__").join(String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    container.appendChild(row);
    return row;
  }

  function addPointRow(index) {
    return cloneRow("point-row-template", pointRows, "points", index === undefined ? nextIndex(pointRows, "points") : index);
  }

  function addElectroRow(index) {
    return cloneRow("electro-row-template", electroRows, "electro_pairs", index === undefined ? nextIndex(electroRows, "electro_pairs") : index);
  }

  function codeOf(row) {
    return row.querySelector("[data-point-code]").value.trim().toUpperCase();
  }

  function findRow(code) {
    var rows = pointRows.querySelectorAll("[data-point-row]");
    for (var j = 0; j < rows.length; j++) {
      if (codeOf(rows[j]) === code) return rows[j];
    }
    return null;
  }

  function emptyRow() {
    return findRow("") || addPointRow();
  }

  function showName(row) {
    var code = codeOf(row);
    row.querySelector("[data-point-name]").textContent = pointNames[code] || "";
  }

  function setPoint(row, point) {
    row.querySelector("[data-point-code]").value = point.code;
    var side = row.querySelector("select[name$='-side']");
    if (point.midline) side.value = "midline";
    else if (point.side) side.value = point.side;
    if (point.technique) row.querySelector("select[name$='-technique']").value = point.technique;
    showName(row);
  }

  /* Add a point from the picker or a protocol; a point already on the note is left as it is. */
  function addPoint(point) {
    var existing = findRow(point.code);
    if (existing) {
      existing.classList.add("point-row--flash");
      setTimeout(function () { existing.classList.remove("point-row--flash"); }, 1200);
      return false;
    }
    setPoint(emptyRow(), point);
    return true;
  }

  window.visitNote = { addPointRow: addPointRow, addElectroRow: addElectroRow, showName: showName };

  form.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) return;
    if (target.hasAttribute("data-remove-row")) {
      target.closest("[data-point-row], [data-electro-row]").remove();
      changed();
    } else if (target.hasAttribute("data-add-point-row")) {
      addPointRow().querySelector("[data-point-code]").focus();
    } else if (target.hasAttribute("data-add-electro-row")) {
      addElectroRow().querySelector("input").focus();
    } else if (target.hasAttribute("data-protocol-points")) {
      event.preventDefault();
      applyProtocol(target);
    } else if (target.hasAttribute("data-add-point")) {
      addPoint({ code: target.getAttribute("data-add-point"), midline: target.getAttribute("data-midline") === "true" });
      search.value = "";
      results.textContent = "";
      announce(target.getAttribute("data-add-point") + " added.");
      changed();
      search.focus();
    }
  });

  form.addEventListener("change", function (event) {
    if (event.target.matches("[data-point-code]")) {
      showName(event.target.closest("[data-point-row]"));
    }
  });

  function applyProtocol(button) {
    var points = JSON.parse(button.getAttribute("data-protocol-points"));
    var added = 0;
    points.forEach(function (point) {
      if (addPoint(point)) added += 1;
    });
    var protocolField = form.querySelector("input[name='protocol_id']");
    if (protocolField) protocolField.value = button.getAttribute("data-protocol-id");
    announce(added + " point" + (added === 1 ? "" : "s") + " added from the protocol. Adjust as needed.");
    changed();
  }

  /* The point picker: ask the server, show its buttons. */
  var picker = form.querySelector("[data-point-search]");
  var search = picker ? picker.querySelector("[data-point-search-input]") : null;
  var results = picker ? picker.querySelector("[data-point-search-results]") : null;
  var searchTimer = null;
  var lastQuery = "";

  function runSearch() {
    var query = search.value.trim();
    if (query === lastQuery) return;
    lastQuery = query;
    if (!query) { results.textContent = ""; return; }
    var url = picker.getAttribute("data-search-url") + "?fragment=1&q=" + encodeURIComponent(query);
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (query !== search.value.trim()) return; // a newer search is on its way
        results.innerHTML = html; // server-rendered and escaped
      })
      .catch(function () {
        results.textContent = "Search needs the connection; type the code in a row instead.";
      });
  }

  if (search) {
    search.addEventListener("input", function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(runSearch, 200);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        // Enter adds the best match instead of submitting the whole note.
        event.preventDefault();
        var first = results.querySelector("[data-add-point]");
        if (first) first.click();
      }
    });
  }

  var live = document.createElement("p");
  live.className = "visit-sr-only";
  live.setAttribute("aria-live", "polite");
  form.appendChild(live);
  function announce(text) {
    live.textContent = text;
  }
})();
