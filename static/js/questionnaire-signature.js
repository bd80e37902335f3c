// Consent signature: draw with a finger, stylus or mouse on the canvas. The strokes are
// written into the hidden input as SVG path data ("M x y L x y ...") in the canvas's own
// 600 x 200 coordinates, which the server checks and stores.
(function () {
  "use strict";

  var pad = document.querySelector("[data-signature-pad]");
  var input = document.querySelector("[data-signature-input]");
  if (!pad || !input) {
    return;
  }
  var canvas = pad.querySelector("[data-signature-canvas]");
  var clearButton = pad.querySelector("[data-signature-clear]");
  var context = canvas.getContext("2d");
  var strokes = [];
  var current = null;

  pad.hidden = false;
  context.lineWidth = 3;
  context.lineCap = "round";
  context.lineJoin = "round";
  context.strokeStyle = "#1d2a33";

  function pointFrom(event) {
    var box = canvas.getBoundingClientRect();
    var x = Math.round(((event.clientX - box.left) * canvas.width) / box.width);
    var y = Math.round(((event.clientY - box.top) * canvas.height) / box.height);
    return [Math.max(0, Math.min(canvas.width, x)), Math.max(0, Math.min(canvas.height, y))];
  }

  function redraw() {
    context.clearRect(0, 0, canvas.width, canvas.height);
    strokes.forEach(function (stroke) {
      context.beginPath();
      stroke.forEach(function (point, index) {
        if (index === 0) {
          context.moveTo(point[0], point[1]);
        } else {
          context.lineTo(point[0], point[1]);
        }
      });
      if (stroke.length === 1) {
        context.lineTo(stroke[0][0] + 0.1, stroke[0][1]);
      }
      context.stroke();
    });
  }

  function writeInput() {
    input.value = strokes
      .map(function (stroke) {
        return stroke
          .map(function (point, index) {
            return (index === 0 ? "M" : "L") + point[0] + " " + point[1];
          })
          .join(" ");
      })
      .join(" ");
  }

  function readInput() {
    var pattern = /([ML])(\d+) (\d+)/g;
    var match;
    strokes = [];
    while ((match = pattern.exec(input.value)) !== null) {
      var point = [parseInt(match[2], 10), parseInt(match[3], 10)];
      if (match[1] === "M" || strokes.length === 0) {
        strokes.push([point]);
      } else {
        strokes[strokes.length - 1].push(point);
      }
    }
    redraw();
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    current = [pointFrom(event)];
    strokes.push(current);
    redraw();
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!current) {
      return;
    }
    event.preventDefault();
    var point = pointFrom(event);
    var last = current[current.length - 1];
    if (point[0] !== last[0] || point[1] !== last[1]) {
      current.push(point);
      redraw();
    }
  });
  function endStroke() {
    if (current) {
      current = null;
      writeInput();
    }
  }
  canvas.addEventListener("pointerup", endStroke);
  canvas.addEventListener("pointercancel", endStroke);

  clearButton.addEventListener("click", function () {
    strokes = [];
    input.value = "";
    redraw();
  });

  readInput();
})();
