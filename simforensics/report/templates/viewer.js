// simforensics comparison report: synced zoom over every picture, and the overlay viewer
// (swipe, onion skin, blink, heatmap). Reads only the JSON block #viewer-data; loads nothing.
(function () {
  "use strict";
  var dataNode = document.getElementById("viewer-data");
  if (!dataNode) { return; }
  var data = JSON.parse(dataNode.textContent);
  var W = data.original[0], H = data.original[1];
  var overlay = document.getElementById("overlay");
  var MAX_ZOOM = 16;

  // The view: a zoom factor and the point of the ORIGINAL (in its pixels) at the centre.
  var view = { zoom: 1, cx: W / 2, cy: H / 2 };

  function apply3(m, x, y) {
    var d = m[2][0] * x + m[2][1] * y + m[2][2];
    return [(m[0][0] * x + m[0][1] * y + m[0][2]) / d, (m[1][0] * x + m[1][1] * y + m[1][2]) / d];
  }
  function invert3(m) {
    var a = m[0][0], b = m[0][1], c = m[0][2], d = m[1][0], e = m[1][1], f = m[1][2], g = m[2][0], h = m[2][1], i = m[2][2];
    var A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
    var det = a * A + b * B + c * C;
    return [[A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
            [B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
            [C / det, -(a * h - b * g) / det, (a * e - b * d) / det]];
  }
  var toCopy = data.toCopy, toOriginal = toCopy ? invert3(toCopy) : null;

  // Each pane shows the original's frame or the copy's own; the copy follows through the alignment.
  var panes = Array.prototype.map.call(document.querySelectorAll(".viewport"), function (element) {
    var isCopy = element.getAttribute("data-frame") === "copy";
    return {
      element: element, stage: element.querySelector(".stage"), isCopy: isCopy,
      w: isCopy ? data.copy[0] : W, h: isCopy ? data.copy[1] : H, tx: 0, ty: 0, z: 1
    };
  });
  var originalPane = panes.filter(function (p) { return !p.isCopy; })[0];

  function toPane(pane, x, y) {  // a point of the original -> the pane's picture
    if (!pane.isCopy) { return [x, y]; }
    if (toCopy) { return apply3(toCopy, x, y); }
    return [x * pane.w / W, y * pane.h / H];
  }
  function fromPane(pane, x, y) {  // a point of the pane's picture -> the original
    if (!pane.isCopy) { return [x, y]; }
    if (toOriginal) { return apply3(toOriginal, x, y); }
    return [x * W / pane.w, y * H / pane.h];
  }
  function paneZoom(pane) {
    if (!pane.isCopy || !originalPane) { return view.zoom; }
    // Same size on screen for the same content: original pixels per copy pixel is data.scale.
    var original = originalPane.element.clientWidth / W, own = pane.element.clientWidth / pane.w;
    var scale = toCopy ? data.scale : W / pane.w;
    return Math.max(1, Math.min(MAX_ZOOM * 4, view.zoom * scale * original / own));
  }
  function clamp(value, low, high) { return Math.min(high, Math.max(low, value)); }

  function render() {
    if (overlay) {  // the overlay picture fits the window's height, so the whole of it can be seen
      overlay.style.maxWidth = Math.max(320, Math.round(0.8 * window.innerHeight * W / H)) + "px";
    }
    panes.forEach(function (pane) {
      var width = pane.element.clientWidth, height = pane.element.clientHeight;
      if (!width || !height) { return; }
      var z = paneZoom(pane), centre = toPane(pane, view.cx, view.cy);
      var tx = width / 2 - centre[0] / pane.w * width * z;
      var ty = height / 2 - centre[1] / pane.h * height * z;
      pane.tx = clamp(tx, width - width * z, 0);
      pane.ty = clamp(ty, height - height * z, 0);
      pane.z = z;
      pane.stage.style.transform = "translate(" + pane.tx.toFixed(2) + "px," + pane.ty.toFixed(2) + "px) scale(" + z.toFixed(4) + ")";
      pane.stage.style.setProperty("--unzoom", (1 / z).toFixed(4));
    });
    var level = document.getElementById("zoom-level");
    if (level) { level.textContent = view.zoom.toFixed(1) + "\u00d7"; }
    renderSwipe();
  }

  function pointInPane(pane, clientX, clientY) {  // screen -> the pane's picture pixels
    var rect = pane.element.getBoundingClientRect();
    var x = (clientX - rect.left - pane.tx) / pane.z / rect.width * pane.w;
    var y = (clientY - rect.top - pane.ty) / pane.z / rect.height * pane.h;
    return [x, y];
  }
  function zoomAt(pane, factor, clientX, clientY) {
    var before = view.zoom;
    var after = clamp(before * factor, 1, MAX_ZOOM);
    if (pane && clientX !== undefined) {
      var p = fromPane(pane, pointInPane(pane, clientX, clientY)[0], pointInPane(pane, clientX, clientY)[1]);
      view.cx = p[0] + (view.cx - p[0]) * before / after;
      view.cy = p[1] + (view.cy - p[1]) * before / after;
    }
    view.zoom = after;
    keepInside();
    render();
  }
  function keepInside() {
    var halfW = W / 2 / view.zoom, halfH = H / 2 / view.zoom;
    view.cx = clamp(view.cx, halfW, W - halfW);
    view.cy = clamp(view.cy, halfH, H - halfH);
  }

  panes.forEach(function (pane) {
    var drag = null;
    pane.element.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) { return; }
      drag = { x: event.clientX, y: event.clientY, start: pointInPane(pane, event.clientX, event.clientY), cx: view.cx, cy: view.cy };
      pane.element.setPointerCapture(event.pointerId);
      pane.element.classList.add("dragging");
    });
    pane.element.addEventListener("pointermove", function (event) {
      if (!drag) { return; }
      var rect = pane.element.getBoundingClientRect();
      var dx = (event.clientX - drag.x) / pane.z / rect.width * pane.w;
      var dy = (event.clientY - drag.y) / pane.z / rect.height * pane.h;
      var centre = toPane(pane, drag.cx, drag.cy);
      var moved = fromPane(pane, centre[0] - dx, centre[1] - dy);
      view.cx = moved[0];
      view.cy = moved[1];
      keepInside();
      render();
    });
    function stop(event) {
      if (!drag) { return; }
      drag = null;
      pane.element.classList.remove("dragging");
      if (pane.element.hasPointerCapture(event.pointerId)) { pane.element.releasePointerCapture(event.pointerId); }
    }
    pane.element.addEventListener("pointerup", stop);
    pane.element.addEventListener("pointercancel", stop);
    pane.element.addEventListener("dblclick", function (event) {
      zoomAt(pane, event.shiftKey ? 0.5 : 2, event.clientX, event.clientY);
    });
    pane.element.addEventListener("wheel", function (event) {
      if (!(event.ctrlKey || event.metaKey)) { return; }  // a plain wheel scrolls the page
      event.preventDefault();
      zoomAt(pane, Math.exp(-event.deltaY * 0.002), event.clientX, event.clientY);
    }, { passive: false });
    Array.prototype.forEach.call(pane.element.querySelectorAll("img"), function (img) {
      img.addEventListener("load", render);
      img.setAttribute("draggable", "false");
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-zoom]"), function (button) {
    button.addEventListener("click", function () {
      var action = button.getAttribute("data-zoom");
      if (action === "fit") { view.zoom = 1; view.cx = W / 2; view.cy = H / 2; render(); }
      else { zoomAt(null, action === "in" ? 1.5 : 1 / 1.5); }
    });
  });

  function toggleAll(selector, checkbox) {
    if (!checkbox) { return; }
    checkbox.addEventListener("change", function () {
      Array.prototype.forEach.call(document.querySelectorAll(selector), function (group) {
        group.classList.toggle("hidden", !checkbox.checked);
      });
    });
  }
  toggleAll("svg.outlines .areas", document.getElementById("show-areas"));
  toggleAll("svg.outlines .parts", document.getElementById("show-parts"));

  // ------------------------------------------------------------------ the overlay viewer
  var copyLayer = document.getElementById("copy-layer");
  var heatLayer = document.getElementById("heat-layer");
  var swipe = document.getElementById("swipe"), opacity = document.getElementById("opacity");
  var swipeLine = document.getElementById("swipe-line");
  var tagLeft = document.getElementById("tag-left"), tagRight = document.getElementById("tag-right");
  var caption = document.getElementById("overlay-caption");
  var blinkToggle = document.getElementById("blink-toggle"), blinkFlip = document.getElementById("blink-flip");
  var blinkShowing = document.getElementById("blink-showing");
  var mode = "swipe", blinkTimer = null, showingCopy = false;
  var overlayPane = panes.filter(function (p) { return p.element === overlay; })[0];

  var CAPTIONS = {
    swipe: "Swipe: the original left of the divider, the copy (aligned onto the original's frame) right of it. Hatching marks the part of the original the copy does not cover.",
    onion: "Onion skin: the aligned copy laid over the original at the chosen opacity; edited areas show as ghosts of both.",
    blink: "Blink: the original and the aligned copy shown in turn, in the same place; anything that changed seems to flicker.",
    heat: "Change heatmap over the original: yellow where a difference reaches half this pair's detection threshold, orange at the threshold, red at three times it; grey where the copy does not reach."
  };

  function renderSwipe() {
    if (!overlay || !copyLayer || mode !== "swipe" || !overlayPane) { return; }
    var share = Number(swipe.value) / 100;
    var width = overlay.clientWidth;
    // The divider stays where it is on screen; the clip follows the zoomed picture under it.
    var inStage = (share * width - overlayPane.tx) / overlayPane.z / width * 100;
    copyLayer.style.clipPath = "inset(0 0 0 " + clamp(inStage, 0, 100).toFixed(3) + "%)";
    swipeLine.style.left = (share * 100).toFixed(2) + "%";
    document.getElementById("swipe-value").textContent = Math.round(share * 100) + " %";
  }
  function showCopy(visible) {
    showingCopy = visible;
    copyLayer.classList.toggle("hidden", !visible);
    blinkShowing.textContent = visible ? "copy" : "original";
    blinkFlip.textContent = visible ? "Show original" : "Show copy";
    tagLeft.textContent = visible ? "copy, aligned" : "original";
  }
  function stopBlinking() {
    if (blinkTimer !== null) { clearInterval(blinkTimer); blinkTimer = null; }
    if (blinkToggle) { blinkToggle.setAttribute("aria-pressed", "false"); blinkToggle.textContent = "Start blinking"; }
  }
  function setMode(next) {
    mode = next;
    stopBlinking();
    Array.prototype.forEach.call(document.querySelectorAll("[data-mode]"), function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-mode") === next));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-controls]"), function (group) {
      group.classList.toggle("hidden", group.getAttribute("data-controls") !== next);
    });
    copyLayer.style.clipPath = "none";
    copyLayer.style.opacity = "1";
    copyLayer.classList.toggle("hidden", next === "heat");
    if (heatLayer) { heatLayer.classList.toggle("hidden", next !== "heat"); }
    swipeLine.classList.toggle("hidden", next !== "swipe");
    tagRight.classList.toggle("hidden", next !== "swipe");
    tagLeft.textContent = { swipe: "original", onion: "original + copy", blink: "original", heat: "change heatmap" }[next];
    if (next === "onion") { copyLayer.style.opacity = String(Number(opacity.value) / 100); }
    if (next === "blink") { showCopy(false); }
    caption.textContent = CAPTIONS[next];
    overlay.setAttribute("data-mode", next);
    renderSwipe();
  }

  if (overlay && copyLayer) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-mode]"), function (button) {
      button.addEventListener("click", function () { setMode(button.getAttribute("data-mode")); });
    });
    swipe.addEventListener("input", renderSwipe);
    opacity.addEventListener("input", function () {
      copyLayer.style.opacity = String(Number(opacity.value) / 100);
      document.getElementById("opacity-value").textContent = opacity.value + " %";
    });
    blinkToggle.addEventListener("click", function () {
      if (blinkTimer !== null) { stopBlinking(); return; }
      blinkToggle.setAttribute("aria-pressed", "true");
      blinkToggle.textContent = "Stop blinking";
      blinkTimer = setInterval(function () { showCopy(!showingCopy); }, 700);
    });
    blinkFlip.addEventListener("click", function () { stopBlinking(); showCopy(!showingCopy); });
    if (!heatLayer) {
      var heatButton = document.querySelector('[data-mode="heat"]');
      if (heatButton) { heatButton.disabled = true; }
    }
    setMode("swipe");
  }

  window.addEventListener("resize", render);
  window.addEventListener("load", render);
  render();
  document.documentElement.setAttribute("data-viewer", "ready");
})();
