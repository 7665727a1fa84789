// /api/docs/: Swagger UI's "Try it out" form draws its inputs and selects with no label; each gets the
// name of the parameter its row shows, so a screen reader says what it is for (axe: label, select-name).
const label = (root) => {
  for (const field of root.querySelectorAll("tr[data-param-name] input, tr[data-param-name] select, " +
      "tr[data-property-name] input, tr[data-property-name] select")) {
    if (field.labels?.length || field.hasAttribute("aria-label")) continue;
    const row = field.closest("tr[data-param-name], tr[data-property-name]");
    field.setAttribute("aria-label", row.dataset.propertyName || row.dataset.paramName);
  }
};
new MutationObserver(() => label(document)).observe(document.body, { childList: true, subtree: true });
