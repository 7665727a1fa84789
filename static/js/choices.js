// Job settings: show the one-line hint of the chosen model.
function init() {
  document.querySelectorAll("[data-model-select]").forEach((select) => {
    const hint = select.parentElement.querySelector("[data-model-hint]");
    const show = () => {
      hint.textContent = select.selectedOptions[0]?.dataset.hint || "";
    };
    select.addEventListener("change", show);
    show();
  });
}

document.addEventListener("srsite:swap", init);
init();
