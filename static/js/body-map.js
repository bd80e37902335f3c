/*
 * Body map: turns each <fieldset data-body-map> (a list of 0-10 selects, one per region) into a
 * tappable figure. Tapping a region (or a quick chip for a common region) opens large 0-10 buttons
 * that set that region's select; regions are shaded by score and show the number. The figure shows
 * front and back side by side where there is room, one view at a time on a phone (the views are
 * viewBox crops of the one drawing), and a close-up of the lower back and pelvis. Every region has
 * invisible padding (a transparent wide-stroked copy beneath the drawn shapes) for taps at its edge. The selects stay the source of truth
 * (the form posts them), and the list can be shown again with a button.
 * No inline styles or handlers (strict CSP): classes, attributes and addEventListener only.
 */
(function () {
  "use strict";

  if (window.intakeBodyMap) {
    window.intakeBodyMap.enhanceAll();
    return;
  }

  var SVG_NS = "http://www.w3.org/2000/svg";
  var LIGHT_TEXT_FROM = 6;
  // Below this width (CSS px) front and back side by side would make regions narrower than 24 px.
  var SIDE_BY_SIDE_FROM = 560;
  // Crops of static/img/body-map.svg (viewBox 0 0 420 500; the back view is drawn 220 to the right).
  var VIEWS = {
    both: { label: "Front and back", viewBox: "0 0 420 500", name: "Body map, front and back" },
    front: { label: "Front", viewBox: "10 0 180 500", name: "Body map, front" },
    back: { label: "Back", viewBox: "230 0 180 500", name: "Body map, back" },
    lumbar: { label: "Lower back close-up", viewBox: "278 196 84 104", name: "Close-up of the lower back, sacrum and buttocks" },
  };
  var figureRequests = {};
  var openPicker = null;

  function fetchFigure(url) {
    if (!figureRequests[url]) {
      figureRequests[url] = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) {
          throw new Error("body map figure: HTTP " + response.status);
        }
        return response.text();
      });
    }
    return figureRequests[url];
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function button(className, text) {
    var node = element("button", className, text);
    node.type = "button";
    return node;
  }

  function BodyMap(fieldset, figureText) {
    this.fieldset = fieldset;
    this.prefix = fieldset.getAttribute("data-prefix");
    this.fills = (fieldset.getAttribute("data-score-fills") || "").split(",");
    this.selects = {};
    this.shapes = {};
    this.numbers = {};
    this.activeCode = null;
    var self = this;
    Array.prototype.forEach.call(fieldset.querySelectorAll("select[data-region]"), function (select) {
      self.selects[select.getAttribute("data-region")] = select;
      select.addEventListener("change", function () {
        self.update(select.getAttribute("data-region"));
      });
    });
    this.lumbarCodes = (fieldset.getAttribute("data-lumbar-regions") || "").split(",");
    this.view = null;
    this.viewChosen = false;
    this.buildFigure(figureText);
    this.buildQuickChips();
    this.buildViewSwitch();
    this.buildChosenList();
    this.buildPicker();
    this.buildListToggle();
    Object.keys(this.selects).forEach(function (code) {
      self.update(code);
    });
    fieldset.classList.add("body-map--enhanced");
    this.fitView();
    window.addEventListener("resize", function () {
      self.fitView();
    });
  }

  BodyMap.prototype.label = function (code) {
    var select = this.selects[code];
    var label = select && this.fieldset.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.trim() : code;
  };

  BodyMap.prototype.score = function (code) {
    var select = this.selects[code];
    return select && select.value !== "" ? parseInt(select.value, 10) : null;
  };

  BodyMap.prototype.buildFigure = function (figureText) {
    var self = this;
    var parsed = new DOMParser().parseFromString(figureText, "image/svg+xml");
    var svg = document.importNode(parsed.documentElement, true);
    Array.prototype.forEach.call(svg.querySelectorAll("[id]"), function (node) {
      node.id = self.prefix + "-map-" + node.id; // unique when several maps share a page
    });
    svg.setAttribute("class", "body-map__svg body-map__svg--input");
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-label", "Body map, front and back: choose a region to score it");
    Array.prototype.forEach.call(svg.querySelectorAll("[data-region]"), function (shape) {
      var code = shape.getAttribute("data-region");
      if (!self.selects[code]) {
        return;
      }
      self.shapes[code] = shape;
      shape.setAttribute("tabindex", "0");
      shape.setAttribute("role", "button");
      shape.addEventListener("click", function () {
        self.open(code);
      });
      shape.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          self.open(code);
        }
      });
      var number = document.createElementNS(SVG_NS, "text");
      number.setAttribute("x", shape.getAttribute("data-label-x"));
      number.setAttribute("y", shape.getAttribute("data-label-y"));
      number.setAttribute("class", "body-map__number");
      number.setAttribute("text-anchor", "middle");
      number.setAttribute("dominant-baseline", "central");
      number.setAttribute("aria-hidden", "true");
      self.numbers[code] = number;
    });
    // Invisible padding: a wide transparent stroke around each region, beneath every drawn shape,
    // so a tap just outside a small region's edge still reaches it but never a neighbour's shape.
    Array.prototype.forEach.call(svg.querySelectorAll(".body-map__figure"), function (group) {
      var hits = document.createElementNS(SVG_NS, "g");
      hits.setAttribute("class", "body-map__hits");
      hits.setAttribute("aria-hidden", "true");
      Array.prototype.forEach.call(group.querySelectorAll("[data-region]"), function (shape) {
        var code = shape.getAttribute("data-region");
        if (!self.shapes[code]) {
          return;
        }
        var hit = document.createElementNS(SVG_NS, "path");
        hit.setAttribute("d", shape.getAttribute("d"));
        hit.setAttribute("class", "body-map__hit");
        hit.setAttribute("data-hit-for", code);
        if (self.lumbarCodes.indexOf(code) >= 0) {
          hit.setAttribute("data-lumbar", "");
        }
        hit.addEventListener("click", function () {
          self.open(code);
        });
        hits.appendChild(hit);
      });
      group.insertBefore(hits, group.firstChild);
    });
    // Left and right, written on the close-up (the whole-body captions are outside its crop).
    var back = svg.querySelector(".body-map__figure--back");
    if (back) {
      [["Left", "61", "start"], ["Right", "139", "end"]].forEach(function (side) {
        var text = document.createElementNS(SVG_NS, "text");
        text.setAttribute("x", side[1]);
        text.setAttribute("y", "174");
        text.setAttribute("text-anchor", side[2]);
        text.setAttribute("class", "body-map__closeup-side");
        text.textContent = side[0];
        back.appendChild(text);
      });
    }
    // Numbers go on top of every shape of their view, and never catch a tap.
    Array.prototype.forEach.call(svg.querySelectorAll(".body-map__figure"), function (group) {
      var layer = document.createElementNS(SVG_NS, "g");
      layer.setAttribute("class", "body-map__numbers");
      Array.prototype.forEach.call(group.querySelectorAll("[data-region]"), function (shape) {
        var number = self.numbers[shape.getAttribute("data-region")];
        if (number) {
          layer.appendChild(number);
        }
      });
      group.appendChild(layer);
    });
    this.svg = svg;
    this.figure = element("div", "body-map__figure-wrap");
    this.figure.appendChild(svg);
    var legend = this.fieldset.querySelector(".body-map__legend");
    if (legend) {
      legend.hidden = false;
    }
    var firstList = this.fieldset.querySelector(".body-map__list");
    this.fieldset.insertBefore(this.figure, firstList);
  };

  BodyMap.prototype.buildViewSwitch = function () {
    var self = this;
    var bar = element("div", "body-map__views");
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Show on the body map");
    this.viewButtons = {};
    Object.keys(VIEWS).forEach(function (view) {
      var choice = button("body-map__view-button", VIEWS[view].label);
      choice.setAttribute("data-view", view);
      choice.setAttribute("aria-pressed", "false");
      choice.addEventListener("click", function () {
        self.viewChosen = true;
        self.setView(view);
      });
      bar.appendChild(choice);
      self.viewButtons[view] = choice;
    });
    this.fieldset.insertBefore(bar, this.figure);
  };

  BodyMap.prototype.narrow = function () {
    return this.fieldset.getBoundingClientRect().width < SIDE_BY_SIDE_FROM;
  };

  // Both views where they fit; on a phone one at a time, the back first (this clinic sees backs most).
  BodyMap.prototype.fitView = function () {
    var narrow = this.narrow();
    this.viewButtons.both.hidden = narrow;
    if (!this.view || (narrow && this.view === "both") || (!narrow && !this.viewChosen)) {
      this.setView(narrow ? "back" : "both");
    }
  };

  BodyMap.prototype.setView = function (view) {
    var self = this;
    this.view = view;
    this.svg.setAttribute("viewBox", VIEWS[view].viewBox);
    this.svg.setAttribute("data-view", view);
    this.svg.setAttribute("aria-label", VIEWS[view].name + ": choose a region to score it");
    Object.keys(this.viewButtons).forEach(function (name) {
      self.viewButtons[name].setAttribute("aria-pressed", name === view ? "true" : "false");
    });
    // The close-up shows its neighbours for orientation only: they are not tappable there.
    Object.keys(this.shapes).forEach(function (code) {
      var shape = self.shapes[code];
      var context = view === "lumbar" && self.lumbarCodes.indexOf(code) < 0;
      shape.classList.toggle("body-map__region--context", context);
      shape.setAttribute("tabindex", context ? "-1" : "0");
      if (context) {
        shape.setAttribute("aria-hidden", "true");
      } else {
        shape.removeAttribute("aria-hidden");
      }
    });
    this.renderChips();
  };

  BodyMap.prototype.viewOf = function (code) {
    var shape = this.shapes[code];
    return shape && shape.closest(".body-map__figure--back") ? "back" : "front";
  };

  // Show a region's view before scoring it from a chip, so the tapped area is on screen.
  BodyMap.prototype.reveal = function (code) {
    var view = this.viewOf(code);
    if (this.view === "both" || this.view === view) {
      return;
    }
    if (this.view === "lumbar" && this.lumbarCodes.indexOf(code) >= 0) {
      return;
    }
    this.setView(view);
  };

  BodyMap.prototype.buildQuickChips = function () {
    var self = this;
    var box = this.fieldset.querySelector(".body-map__quick");
    this.chips = {};
    if (!box) {
      return;
    }
    Array.prototype.forEach.call(box.querySelectorAll("[data-quick-region]"), function (chip) {
      var code = chip.getAttribute("data-quick-region");
      if (!self.selects[code]) {
        chip.parentNode.hidden = true;
        return;
      }
      self.chips[code] = chip;
      chip.addEventListener("click", function () {
        self.reveal(code);
        self.open(code);
      });
    });
    box.hidden = false;
    this.fieldset.insertBefore(box, this.figure);
  };

  BodyMap.prototype.renderChips = function () {
    var self = this;
    Object.keys(this.chips || {}).forEach(function (code) {
      var score = self.score(code);
      var chip = self.chips[code];
      chip.textContent = self.label(code) + (score === null ? "" : ": " + score);
      chip.classList.toggle("body-map__quick-chip--scored", score !== null);
    });
  };

  BodyMap.prototype.buildChosenList = function () {
    this.chosenHeading = element("p", "body-map__chosen-heading", "Scored regions");
    this.chosen = element("ul", "body-map__chosen");
    this.chosen.setAttribute("aria-live", "polite");
    this.fieldset.insertBefore(this.chosenHeading, this.figure.nextSibling);
    this.fieldset.insertBefore(this.chosen, this.chosenHeading.nextSibling);
  };

  BodyMap.prototype.renderChosen = function () {
    var self = this;
    this.chosen.textContent = "";
    var codes = Object.keys(this.selects).filter(function (code) {
      return self.score(code) !== null;
    });
    if (!codes.length) {
      this.chosen.appendChild(element("li", "body-map__chosen-empty", "None yet: tap where it hurts."));
      return;
    }
    codes.forEach(function (code) {
      var item = element("li", "body-map__chosen-item");
      var change = button("body-map__chosen-button", self.label(code) + ": " + self.score(code));
      change.setAttribute("aria-label", "Change " + self.label(code) + ", now " + self.score(code) + " out of 10");
      change.addEventListener("click", function () {
        self.open(code);
      });
      item.appendChild(change);
      self.chosen.appendChild(item);
    });
  };

  BodyMap.prototype.buildPicker = function () {
    var self = this;
    var picker = element("div", "score-picker");
    picker.hidden = true;
    picker.setAttribute("role", "dialog");
    picker.setAttribute("aria-labelledby", this.prefix + "-picker-title");
    var title = element("p", "score-picker__title");
    title.id = this.prefix + "-picker-title";
    title.tabIndex = -1;
    picker.appendChild(title);
    picker.appendChild(element("p", "score-picker__hint", "How much does it hurt here? 0 is no pain, 10 the worst imaginable."));
    var scores = element("div", "score-picker__scores");
    this.scoreButtons = [];
    for (var n = 0; n <= 10; n += 1) {
      var choice = button("score-picker__score", String(n));
      choice.setAttribute("data-score", String(n));
      var swatch = document.createElementNS(SVG_NS, "svg");
      swatch.setAttribute("class", "score-picker__swatch");
      swatch.setAttribute("viewBox", "0 0 20 6");
      swatch.setAttribute("aria-hidden", "true");
      var bar = document.createElementNS(SVG_NS, "rect");
      bar.setAttribute("width", "20");
      bar.setAttribute("height", "6");
      bar.setAttribute("rx", "2");
      bar.setAttribute("fill", this.fills[n] || "#cccccc");
      swatch.appendChild(bar);
      choice.appendChild(swatch);
      choice.addEventListener("click", function (event) {
        self.choose(event.currentTarget.getAttribute("data-score"));
      });
      scores.appendChild(choice);
      this.scoreButtons.push(choice);
    }
    picker.appendChild(scores);
    var actions = element("div", "score-picker__actions");
    var clear = button("button score-picker__clear", "Clear (no pain)");
    clear.addEventListener("click", function () {
      self.choose("");
    });
    var close = button("button button--quiet score-picker__close", "Close");
    close.addEventListener("click", function () {
      self.close();
    });
    actions.appendChild(clear);
    actions.appendChild(close);
    picker.appendChild(actions);
    picker.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        self.close();
      }
    });
    this.picker = picker;
    this.pickerTitle = title;
    this.fieldset.appendChild(picker);
  };

  BodyMap.prototype.buildListToggle = function () {
    var lists = this.fieldset.querySelectorAll(".body-map__list");
    var hasErrors = !!this.fieldset.querySelector(".body-map__list .field--error");
    var toggle = button("button button--quiet body-map__list-toggle");
    function show(visible) {
      Array.prototype.forEach.call(lists, function (list) {
        list.hidden = !visible;
      });
      toggle.textContent = visible ? "Hide the list of regions" : "Show the list of regions";
      toggle.setAttribute("aria-expanded", visible ? "true" : "false");
    }
    toggle.addEventListener("click", function () {
      show(lists.length && lists[0].hidden);
    });
    this.fieldset.insertBefore(toggle, lists[0]);
    show(hasErrors); // a region with an error stays visible beside its message
    this.listToggle = toggle;
  };

  BodyMap.prototype.update = function (code) {
    var shape = this.shapes[code];
    var score = this.score(code);
    if (shape) {
      if (score === null) {
        shape.removeAttribute("fill");
        shape.classList.remove("body-map__region--scored");
      } else {
        shape.setAttribute("fill", this.fills[score]);
        shape.classList.add("body-map__region--scored");
      }
      shape.setAttribute("aria-label", this.label(code) + ": " + (score === null ? "not scored" : score + " out of 10"));
      var number = this.numbers[code];
      number.textContent = score === null ? "" : String(score);
      number.setAttribute("fill", score !== null && score >= LIGHT_TEXT_FROM ? "#ffffff" : "#1d2a33");
    }
    this.renderChosen();
    this.renderChips();
  };

  BodyMap.prototype.open = function (code) {
    if (openPicker && openPicker !== this) {
      openPicker.close(true);
    }
    if (this.activeCode && this.shapes[this.activeCode]) {
      this.shapes[this.activeCode].classList.remove("body-map__region--active");
    }
    this.activeCode = code;
    if (this.shapes[code]) {
      this.shapes[code].classList.add("body-map__region--active");
    }
    var score = this.score(code);
    this.pickerTitle.textContent = this.label(code) + (score === null ? "" : " (now " + score + ")");
    this.scoreButtons.forEach(function (choice) {
      var pressed = score !== null && String(score) === choice.getAttribute("data-score");
      choice.setAttribute("aria-pressed", pressed ? "true" : "false");
    });
    this.picker.hidden = false;
    this.fieldset.classList.add("body-map--picking");
    openPicker = this;
    this.pickerTitle.focus({ preventScroll: true });
    this.keepVisible(this.shapes[code]);
  };

  // Scroll so the region being scored stays in sight above the sheet of buttons.
  BodyMap.prototype.keepVisible = function (shape) {
    if (!shape) {
      return;
    }
    var sheetTop = this.picker.getBoundingClientRect().top;
    var region = shape.getBoundingClientRect();
    if (region.bottom > sheetTop - 12) {
      window.scrollBy(0, region.bottom - sheetTop + 24);
    } else if (region.top < 0) {
      window.scrollBy(0, region.top - 24);
    }
  };

  BodyMap.prototype.choose = function (value) {
    var select = this.selects[this.activeCode];
    if (select) {
      select.value = value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    this.close();
  };

  BodyMap.prototype.close = function (keepFocus) {
    var code = this.activeCode;
    this.picker.hidden = true;
    this.fieldset.classList.remove("body-map--picking");
    if (code && this.shapes[code]) {
      this.shapes[code].classList.remove("body-map__region--active");
      if (!keepFocus) {
        this.shapes[code].focus({ preventScroll: true });
      }
    }
    this.activeCode = null;
    if (openPicker === this) {
      openPicker = null;
    }
  };

  function enhance(fieldset) {
    if (fieldset.hasAttribute("data-enhanced")) {
      return;
    }
    fieldset.setAttribute("data-enhanced", "pending");
    fetchFigure(fieldset.getAttribute("data-figure-url"))
      .then(function (text) {
        new BodyMap(fieldset, text);
        fieldset.setAttribute("data-enhanced", "yes");
      })
      .catch(function () {
        fieldset.removeAttribute("data-enhanced"); // the list still works
      });
  }

  function enhanceAll() {
    Array.prototype.forEach.call(document.querySelectorAll("fieldset[data-body-map]"), enhance);
  }

  window.intakeBodyMap = { enhanceAll: enhanceAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
