// A table that is wider than its box says so: its hint shows while it overflows (the page works without this).
(function () {
  "use strict";
  function update() {
    document.querySelectorAll(".table-scroll--cue").forEach(function (box) {
      var hint = document.getElementById(box.getAttribute("aria-describedby"));
      if (hint) hint.hidden = box.scrollWidth <= box.clientWidth + 1;
    });
  }
  document.addEventListener("DOMContentLoaded", update);
  window.addEventListener("resize", update);
})();
