// Job settings: the chosen model's hint and each model's time for the chosen scale; the size controls that
// the chosen fit uses (the others are disabled, so they are not sent); quality only for JPEG and WebP.
const SCALES = [2, 3, 4];

// The scale a target size needs, as the server picks it: the smallest whose upscale reaches the target.
function targetScale(form, fit) {
  const width = Number(form.dataset.imageWidth);
  const height = Number(form.dataset.imageHeight);
  const tw = Number(form.querySelector("[name=target_width]").value) || 0;
  const th = Number(form.querySelector("[name=target_height]").value) || 0;
  let [w, h] = [tw, Math.round((height * tw) / width)];
  if (fit === "height" || (fit === "box" && tw * height > th * width)) [w, h] = [Math.round((width * th) / height), th];
  if (!w || !h) return { scale: null };
  return { scale: SCALES.find((s) => width * s >= w && height * s >= h) || null, w, h };
}

function initForm(form) {
  const size = form.querySelector("[data-size]");
  const select = form.querySelector("[data-model-select]");
  const hint = form.querySelector("[data-model-hint]");
  const format = form.querySelector("[data-format-select]");
  const quality = form.querySelector("[data-quality]");
  const result = form.querySelector("[data-target-result]");
  const check = form.querySelector("[name=quality_check]");
  const checkInput = form.querySelector("[data-check-input]");
  const resultText = result ? result.textContent : "";

  const update = () => {
    const fit = form.querySelector("[name=fit]:checked")?.value || "scale";
    let scale = Number(form.querySelector("[name=scale]:checked")?.value) || 2;
    if (size) {
      size.querySelector("[data-fit-part=scale]").hidden = fit !== "scale";
      size.querySelector("[data-fit-part=target]").hidden = fit === "scale";
      for (const side of ["width", "height"]) {
        const used = fit === side || fit === "box";
        const box = size.querySelector(`[data-target=${side}]`);
        box.hidden = !used;
        box.querySelector("input").disabled = !used;
      }
      if (fit !== "scale") {
        const target = targetScale(size, fit);
        if (target.scale) scale = target.scale;
        result.textContent = target.scale
          ? `${target.w}×${target.h} px: the ×${target.scale} model's result, resized down.`
          : resultText;
      }
    }
    for (const option of select.options) {
      option.textContent = option.getAttribute(`data-label-${scale}`) || option.textContent;
    }
    hint.textContent = select.selectedOptions[0]?.dataset.hint || "";
    if (format && quality) quality.hidden = format.value === "png";
    if (check && checkInput) checkInput.hidden = !check.checked; // what the check's shrunk image goes through
  };
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
}

function init() {
  document.querySelectorAll("[data-model-select]").forEach((select) => initForm(select.form));
}

document.addEventListener("srsite:swap", init);
init();
