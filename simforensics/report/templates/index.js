// simforensics scan index: show or hide pairs by their finding. Loads nothing.
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#filters input[data-label]"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.pairs tbody tr"));
  var count = document.getElementById("shown-count");
  function update() {
    var wanted = {};
    boxes.forEach(function (box) { wanted[box.getAttribute("data-label")] = box.checked; });
    var shown = 0;
    rows.forEach(function (row) {
      var visible = wanted[row.getAttribute("data-label")] !== false;
      row.classList.toggle("hidden", !visible);
      if (visible) { shown += 1; }
    });
    if (count) { count.textContent = shown + " of " + rows.length + " shown"; }
  }
  boxes.forEach(function (box) { box.addEventListener("change", update); });
  update();
  document.documentElement.setAttribute("data-index", "ready");
})();
