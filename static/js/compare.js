// The result viewer: before/after slider or side by side, zoom (fit, 100, 200, 400 %) by buttons, wheel, keys
// and pinch, and panning by drag or arrows that moves every pane together (one view state drawn into each pane).
// Geometry: each pane (a "stage") shows the image, laid out at the result's size, through one transform:
// translate(--tx, --ty) scale(--s). The view state is the zoom and the image point at the stage's centre.
// No inline style attributes (the CSP forbids them): only custom properties set through the CSSOM.
const LEVELS = [1, 2, 4];

function setup(root) {
  if (root.dataset.ready) return;
  root.dataset.ready = "1";
  const width = Number(root.dataset.width);
  const height = Number(root.dataset.height);
  root.style.setProperty("--w", String(width));
  root.style.setProperty("--h", String(height));
  const stages = [...root.querySelectorAll("[data-stage]")];
  const sliderPane = root.querySelector("[data-pane=slider]");
  const slider = root.querySelector("[data-slider]");
  const readout = root.querySelector("[data-zoom-readout]");
  const view = { zoom: "fit", cx: width / 2, cy: height / 2 };

  const visible = () => stages.filter((stage) => stage.clientWidth > 0);
  const active = () => visible()[0] || stages[0];
  const fitScale = (stage) => Math.min(stage.clientWidth / width, stage.clientHeight / height) || 1;
  const scaleOf = (stage, zoom = view.zoom) => (zoom === "fit" ? fitScale(stage) : zoom);

  // Keep the image covering the stage where it is larger than it; centred on an axis where it is smaller.
  function clamp(stage) {
    const s = scaleOf(stage);
    const halfW = stage.clientWidth / (2 * s);
    const halfH = stage.clientHeight / (2 * s);
    view.cx = width <= 2 * halfW ? width / 2 : Math.min(Math.max(view.cx, halfW), width - halfW);
    view.cy = height <= 2 * halfH ? height / 2 : Math.min(Math.max(view.cy, halfH), height - halfH);
  }

  function draw() {
    const first = active();
    if (first.clientWidth) clamp(first);
    for (const stage of visible()) {
      const s = scaleOf(stage);
      stage.style.setProperty("--s", String(s));
      stage.style.setProperty("--tx", `${stage.clientWidth / 2 - view.cx * s}px`);
      stage.style.setProperty("--ty", `${stage.clientHeight / 2 - view.cy * s}px`);
    }
    const zoomed = view.zoom !== "fit";
    root.classList.toggle("zoomed", zoomed);
    root.classList.toggle("pixels", zoomed && scaleOf(first) >= 1); // pixels shown as squares, never blurred
    root.querySelectorAll("[data-zoom]").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.zoom === String(view.zoom)));
    });
    const percent = Math.round(scaleOf(first) * 100);
    readout.textContent = zoomed ? `${percent}%` : `Fit · ${percent}%`;
    if (zoomed) loadFull();
  }

  // The display images are enough at fit; past it the full result and the original replace them (the
  // browser keeps showing the small ones until the full images have arrived), once. An original a browser
  // cannot draw (TIFF, HEIC) has no full URL and stays at its display image.
  function loadFull() {
    if (root.dataset.full === "") return;
    for (const [selector, url] of [["[data-after]", root.dataset.full], ["[data-before]", root.dataset.fullBefore]]) {
      if (!url) continue;
      root.querySelectorAll(selector).forEach((img) => {
        img.src = url;
      });
    }
    root.dataset.full = "";
  }

  // Zoom to ``zoom`` keeping the image point under (x, y) of ``stage`` in place (the stage's centre when
  // no point is given).
  function zoomTo(zoom, stage = active(), x = stage.clientWidth / 2, y = stage.clientHeight / 2) {
    const before = scaleOf(stage);
    const px = view.cx + (x - stage.clientWidth / 2) / before;
    const py = view.cy + (y - stage.clientHeight / 2) / before;
    view.zoom = zoom;
    const after = scaleOf(stage);
    view.cx = px - (x - stage.clientWidth / 2) / after;
    view.cy = py - (y - stage.clientHeight / 2) / after;
    draw();
  }

  // The next step in or out from the current scale: fit and the fixed levels, ordered by scale.
  function step(direction, stage = active()) {
    const current = scaleOf(stage);
    const steps = [["fit", fitScale(stage)], ...LEVELS.map((level) => [level, level])].sort((a, b) => a[1] - b[1]);
    const next =
      direction > 0
        ? steps.find(([, s]) => s > current * 1.01)
        : steps.reverse().find(([, s]) => s < current / 1.01);
    if (!next) return null;
    // Zooming out below fit is just fit.
    return direction < 0 && next[1] <= fitScale(stage) ? "fit" : next[0];
  }

  root.querySelectorAll("[data-zoom]").forEach((button) => {
    button.addEventListener("click", () => zoomTo(button.dataset.zoom === "fit" ? "fit" : Number(button.dataset.zoom)));
  });

  root.querySelectorAll("[data-view]").forEach((button) => {
    button.addEventListener("click", () => {
      root.querySelectorAll("[data-view]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      root.querySelectorAll("[data-pane]").forEach((pane) => {
        pane.hidden = pane.dataset.pane !== button.dataset.view;
      });
      draw();
    });
  });

  const setPosition = (percent) => {
    const value = Math.min(100, Math.max(0, percent));
    slider.value = String(Math.round(value));
    sliderPane.style.setProperty("--pos", `${value}%`);
  };
  slider.addEventListener("input", () => setPosition(Number(slider.value)));

  for (const stage of stages) {
    // Drag: on the slider's handle (or anywhere at fit) it moves the divider; elsewhere it pans. Two fingers
    // pinch: the zoom follows their spread (fit to 400 %) around the image point between them, which stays
    // under them as they move.
    let drag = null;
    let pinch = null;
    const touches = new Map();
    const spread = () => {
      const [a, b] = [...touches.values()];
      return { d: Math.hypot(a.x - b.x, a.y - b.y) || 1, x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    };
    const startPinch = () => {
      const box = stage.getBoundingClientRect();
      const { d, x, y } = spread();
      const s = scaleOf(stage);
      const px = view.cx + (x - box.left - stage.clientWidth / 2) / s;
      const py = view.cy + (y - box.top - stage.clientHeight / 2) / s;
      pinch = { d, s, px, py, box };
      drag = null;
    };
    const movePinch = () => {
      const { d, x, y } = spread();
      const fit = fitScale(stage);
      const s = Math.min(Math.max((pinch.s * d) / pinch.d, fit), LEVELS[LEVELS.length - 1]);
      view.zoom = s <= fit * 1.001 ? "fit" : s;
      view.cx = pinch.px - (x - pinch.box.left - stage.clientWidth / 2) / s;
      view.cy = pinch.py - (y - pinch.box.top - stage.clientHeight / 2) / s;
      draw();
    };
    stage.addEventListener("pointerdown", (event) => {
      if (event.pointerType === "touch") {
        touches.set(event.pointerId, { x: event.clientX, y: event.clientY });
        if (touches.size === 2) {
          stage.setPointerCapture(event.pointerId);
          startPinch();
          event.preventDefault();
          return;
        }
      }
      if (event.button !== 0 || event.target === slider || pinch) return;
      const box = stage.getBoundingClientRect();
      const onDivider = Math.abs(event.clientX - box.left - (Number(slider.value) / 100) * box.width) < 24;
      const divider = stage === sliderPane && (view.zoom === "fit" || onDivider);
      drag = { divider, x: event.clientX, y: event.clientY, cx: view.cx, cy: view.cy, box };
      stage.setPointerCapture(event.pointerId);
      // Keys work after a pointer too: the slider's arrows after moving the divider, the view's otherwise.
      (divider ? slider : stage).focus({ preventScroll: true });
      stage.classList.add("dragging");
      if (divider) setPosition(((event.clientX - box.left) / box.width) * 100);
      event.preventDefault();
    });
    stage.addEventListener("pointermove", (event) => {
      if (touches.has(event.pointerId)) touches.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (pinch && touches.size >= 2) {
        movePinch();
        return;
      }
      if (!drag) return;
      if (drag.divider) {
        setPosition(((event.clientX - drag.box.left) / drag.box.width) * 100);
        return;
      }
      const s = scaleOf(stage);
      view.cx = drag.cx - (event.clientX - drag.x) / s;
      view.cy = drag.cy - (event.clientY - drag.y) / s;
      draw();
    });
    const end = (event) => {
      touches.delete(event.pointerId);
      if (touches.size < 2) pinch = null;
      drag = null;
      stage.classList.remove("dragging");
    };
    stage.addEventListener("pointerup", end);
    stage.addEventListener("pointercancel", end);

    // Wheel: one step per notch around the pointer; the page scrolls on when there is no step left.
    stage.addEventListener(
      "wheel",
      (event) => {
        const next = step(event.deltaY < 0 ? 1 : -1, stage);
        if (next === null || event.deltaY === 0) return;
        event.preventDefault();
        const box = stage.getBoundingClientRect();
        zoomTo(next, stage, event.clientX - box.left, event.clientY - box.top);
      },
      { passive: false },
    );

    stage.addEventListener("keydown", (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      let next;
      if (event.key === "+" || event.key === "=") next = step(1, stage);
      else if (event.key === "-" || event.key === "_") next = step(-1, stage);
      else if (event.key === "0") next = "fit";
      if (next !== undefined) {
        event.preventDefault();
        if (next !== null) zoomTo(next, stage);
        return;
      }
      // Arrows pan a tenth of the view (the slider's own arrows move the divider).
      const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
      if (event.target === slider || view.zoom === "fit" || !(event.key in arrows)) return;
      event.preventDefault();
      const s = scaleOf(stage);
      view.cx += (arrows[event.key][0] * stage.clientWidth) / (10 * s);
      view.cy += (arrows[event.key][1] * stage.clientHeight) / (10 * s);
      draw();
    });
  }

  new ResizeObserver(draw).observe(root);
  draw();
}

function init() {
  document.querySelectorAll("[data-compare]").forEach(setup);
}

document.addEventListener("srsite:swap", init);
init();
