/* The visit page's Print button (no inline handlers under the content security policy). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();
