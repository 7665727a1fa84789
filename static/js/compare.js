// Result viewer: before/after slider, side-by-side view, and 1:1 pixel inspection.
function setup(root) {
  if (root.dataset.ready) return;
  root.dataset.ready = "1";
  // The display width comes from the markup's data (no inline style: the CSP allows CSSOM writes only).
  root.querySelectorAll("[data-width]").forEach((el) => el.style.setProperty("--w", `${el.dataset.width}px`));
  const slider = root.querySelector("[data-slider]");
  const pane = root.querySelector("[data-pane=slider]");
  slider.addEventListener("input", () => pane.style.setProperty("--pos", `${slider.value}%`));
  root.querySelectorAll("[data-view]").forEach((button) => {
    button.addEventListener("click", () => {
      root.querySelectorAll("[data-view]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      root.querySelectorAll("[data-pane]").forEach((p) => {
        p.hidden = p.dataset.pane !== button.dataset.view;
      });
    });
  });
  const actual = root.querySelector("[data-actual]");
  actual.addEventListener("change", () => root.querySelector("[data-viewport]").classList.toggle("actual", actual.checked));
}

function init() {
  document.querySelectorAll("[data-compare]").forEach(setup);
}

document.addEventListener("srsite:swap", init);
init();
