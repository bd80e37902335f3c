/*
 * The visit note form on a tablet: add and remove point rows, the point picker (server-side
 * search), protocols applied in one tap, electro-acupuncture rows, the parts that follow the kind of
 * visit, and the massage areas on the body map. Without JavaScript the form still works: blank rows
 * are rendered by the server, protocols are applied by a submit, folded parts open with their "Add …"
 * button and massage areas are ticked in the list.
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

  /* The parts follow the kind of visit: a part the kind uses opens; one it does not use folds away
     unless something is written in it (its fields stay in the form either way). */
  function holdsSomething(container) {
    var fields = container.querySelectorAll("input, select, textarea");
    for (var j = 0; j < fields.length; j++) {
      var input = fields[j];
      if (input.closest("template")) continue;
      if (input.type === "checkbox" || input.type === "radio") {
        if (input.checked) return true;
      } else if (input.tagName === "SELECT") {
        if (input.selectedIndex > 0) return true;
      } else if (input.type !== "button" && input.type !== "submit" && input.value.trim() !== "") {
        return true;
      }
    }
    return false;
  }

  function followKind(kind) {
    var folds = form.querySelectorAll("details[data-fold-kinds]");
    for (var j = 0; j < folds.length; j++) {
      var used = folds[j].getAttribute("data-fold-kinds").split(" ").indexOf(kind) >= 0;
      if (used) folds[j].open = true;
      else if (!holdsSomething(folds[j])) folds[j].open = false;
    }
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "kind" && event.target.checked) followKind(event.target.value);
  });

  /* A draft kept on this tablet put back into the form: every part holding something of it opens. */
  form.addEventListener("visit-note:restored", function () {
    var kind = form.querySelector("input[name='kind']:checked");
    if (kind) followKind(kind.value);
    var folds = form.querySelectorAll("details[data-fold]");
    for (var j = 0; j < folds.length; j++) {
      if (holdsSomething(folds[j])) {
        for (var open = folds[j]; open; open = open.parentElement && open.parentElement.closest("details[data-fold]")) open.open = true;
      }
    }
  });

  /* The server sends blank point rows for a page without scripts; with them, one blank row is enough
     (the picker, protocols and "Add an empty point row" make more). */
  if (pointRows) {
    var blanks = Array.prototype.filter.call(pointRows.querySelectorAll("[data-point-row]"), function (row) {
      return !holdsSomething(row) && !row.querySelector(".field__error");
    });
    blanks.slice(1).forEach(function (row) { row.remove(); });
  }

  /* Counts that differ need a word on what happened: its field opens as soon as they do. */
  var inserted = form.querySelector("[name='needles_inserted']");
  var removed = form.querySelector("[name='needles_removed']");
  var incident = form.querySelector("details[data-fold='needle_count_incident']");
  function checkCounts() {
    var a = inserted.value.trim(), b = removed.value.trim();
    if (a !== "" && b !== "" && a !== b) incident.open = true;
  }
  if (inserted && removed && incident) {
    inserted.addEventListener("input", checkCounts);
    removed.addEventListener("input", checkCounts);
  }

  /* Massage areas on the body map: a tap ticks or unticks the area's box in the list (the boxes are
     what the form posts); the list stays one tap away. */
  function enhanceAreaMap(fieldset) {
    fetch(fieldset.getAttribute("data-figure-url"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("area map figure: HTTP " + response.status);
        return response.text();
      })
      .then(function (text) { buildAreaMap(fieldset, text); })
      .catch(function () { /* the list of areas still works */ });
  }

  function buildAreaMap(fieldset, text) {
    var svg = document.importNode(new DOMParser().parseFromString(text, "image/svg+xml").documentElement, true);
    var boxes = {};
    Array.prototype.forEach.call(fieldset.querySelectorAll("input[type='checkbox']"), function (box) {
      boxes[box.value] = box;
    });
    Array.prototype.forEach.call(svg.querySelectorAll("[id]"), function (node) {
      node.id = fieldset.id + "-map-" + node.id;
    });
    svg.setAttribute("class", "body-map__svg body-map__svg--input area-map__svg");
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-label", "Body map, front and back: tap each area treated");
    var shapes = {};
    Array.prototype.forEach.call(svg.querySelectorAll(".body-map__region[data-region]"), function (shape) {
      var code = shape.getAttribute("data-region");
      var box = boxes[code];
      if (!box) return;
      (shapes[code] = shapes[code] || []).push(shape);
      shape.setAttribute("tabindex", "0");
      shape.setAttribute("role", "checkbox");
      function toggle() {
        box.checked = !box.checked;
        box.dispatchEvent(new Event("change", { bubbles: true }));
      }
      shape.addEventListener("click", toggle);
      shape.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          toggle();
        }
      });
    });
    var quick = fieldset.querySelector("[data-area-quick]");
    var chips = {};
    if (quick) {
      Array.prototype.forEach.call(quick.querySelectorAll("[data-area-chip]"), function (chip) {
        var box = boxes[chip.getAttribute("data-area-chip")];
        if (!box) return;
        chips[box.value] = chip;
        chip.addEventListener("click", function () {
          box.checked = !box.checked;
          box.dispatchEvent(new Event("change", { bubbles: true }));
        });
      });
      quick.hidden = false;
    }
    var wrap = document.createElement("div");
    wrap.className = "area-map";
    // On a phone one view at a time at full width (back first), so each area is big enough to tap.
    var VIEWS = { both: "0 0 420 500", back: "210 0 210 500", front: "0 0 210 500" };
    var views = document.createElement("div");
    views.className = "area-map__views";
    views.setAttribute("role", "group");
    views.setAttribute("aria-label", "Side of the body shown");
    var viewButtons = {};
    ["back", "front"].forEach(function (view) {
      var choose = document.createElement("button");
      choose.type = "button";
      choose.className = "button button--quiet area-map__view";
      choose.textContent = view === "back" ? "Back" : "Front";
      choose.addEventListener("click", function () { showView(view); });
      viewButtons[view] = choose;
      views.appendChild(choose);
    });
    var phone = window.matchMedia("(max-width: 640px)");
    var phoneView = "back";
    function showView(view) {
      if (view !== "both") phoneView = view;
      svg.setAttribute("viewBox", VIEWS[view]);
      Object.keys(viewButtons).forEach(function (name) {
        viewButtons[name].setAttribute("aria-pressed", name === view ? "true" : "false");
      });
    }
    function fitView() {
      views.hidden = !phone.matches;
      showView(phone.matches ? phoneView : "both");
    }
    if (phone.addEventListener) phone.addEventListener("change", fitView);
    wrap.appendChild(views);
    wrap.appendChild(svg);
    fitView();
    var chosen = document.createElement("p");
    chosen.className = "area-map__chosen";
    chosen.setAttribute("aria-live", "polite");
    wrap.appendChild(chosen);
    var lists = fieldset.querySelectorAll("[data-area-list]");
    var toggleList = document.createElement("button");
    toggleList.type = "button";
    toggleList.className = "button button--quiet area-map__list-toggle";
    function showList(visible) {
      Array.prototype.forEach.call(lists, function (list) { list.hidden = !visible; });
      toggleList.textContent = visible ? "Hide the list of areas" : "Show the list of areas";
      toggleList.setAttribute("aria-expanded", visible ? "true" : "false");
    }
    toggleList.addEventListener("click", function () { showList(lists.length && lists[0].hidden); });
    wrap.appendChild(toggleList);
    fieldset.insertBefore(wrap, lists[0] || null);
    showList(!!fieldset.querySelector(".field__error"));

    function labelOf(code) {
      var label = boxes[code].closest("label");
      return label ? label.textContent.trim() : code;
    }
    function update() {
      var names = [];
      Object.keys(shapes).forEach(function (code) {
        var on = boxes[code].checked;
        shapes[code].forEach(function (shape) {
          shape.classList.toggle("area-map__region--chosen", on);
          shape.setAttribute("aria-checked", on ? "true" : "false");
          shape.setAttribute("aria-label", labelOf(code));
        });
      });
      Object.keys(boxes).forEach(function (code) {
        if (boxes[code].checked) names.push(labelOf(code));
        if (chips[code]) chips[code].setAttribute("aria-pressed", boxes[code].checked ? "true" : "false");
      });
      chosen.textContent = names.length ? "Areas treated: " + names.join(", ") + "." : "No areas yet: tap each area treated.";
    }
    fieldset.addEventListener("change", update);
    update();
    fieldset.classList.add("area-map--enhanced");
  }

  Array.prototype.forEach.call(form.querySelectorAll("[data-area-map]"), enhanceAreaMap);

  var live = document.createElement("p");
  live.className = "visit-sr-only";
  live.setAttribute("aria-live", "polite");
  form.appendChild(live);
  function announce(text) {
    live.textContent = text;
  }
})();
