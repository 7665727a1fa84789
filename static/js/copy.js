// Copy buttons: <button data-copy="ID" hidden> copies the value of the input, or the text of the element,
// with that id. Without JS the buttons stay hidden (the text can still be selected by hand).
const status = document.querySelector("[data-copy-status]"); // a live region: screen readers hear it

const say = (button, words) => {
  const label = button.textContent;
  button.textContent = words;
  if (status) status.textContent = words;
  setTimeout(() => {
    button.textContent = label;
    if (status) status.textContent = "";
  }, 2000);
};

const copyBySelecting = (source) => {
  // The Clipboard API needs a secure context (HTTPS or localhost); elsewhere select the text and copy it.
  const selection = window.getSelection();
  if ("select" in source) source.select();
  else selection.selectAllChildren(source);
  const copied = document.execCommand("copy");
  if (!("select" in source)) selection.removeAllRanges();
  return copied;
};

for (const button of document.querySelectorAll("[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  if (!source) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const text = "value" in source ? source.value : source.textContent;
    let copied = false;
    try {
      await navigator.clipboard.writeText(text);
      copied = true;
    } catch {
      copied = copyBySelecting(source);
    }
    say(button, copied ? "Copied" : "Press Ctrl+C");
  });
}
