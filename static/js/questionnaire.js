// Intake questionnaire: show a follow-up question only when its answer makes it relevant
// (e.g. trimester only when pregnant). Without JavaScript every question shows and the
// server checks the combination.
(function () {
  "use strict";

  function clearInputs(container) {
    container.querySelectorAll("input, select, textarea").forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        input.checked = false;
      } else {
        input.value = "";
      }
    });
  }

  function setUp(container) {
    var rule = container.getAttribute("data-show-when").split("=");
    var name = rule[0];
    var wanted = rule[1];
    var form = container.closest("form");
    var radios = form.querySelectorAll('input[type="radio"][name="' + name + '"]');

    function update() {
      var chosen = form.querySelector('input[type="radio"][name="' + name + '"]:checked');
      var show = chosen !== null && chosen.value === wanted;
      if (!show && !container.hidden) {
        clearInputs(container);
      }
      container.hidden = !show;
    }

    radios.forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  }

  document.querySelectorAll("[data-show-when]").forEach(setUp);
})();
