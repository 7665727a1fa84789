// Upload page: drag-and-drop and the file button, each file checked in the browser with the server's
// words before it is sent (the server checks again). Only the good files are submitted.
const form = document.querySelector("[data-upload]");
const rules = JSON.parse(document.getElementById("upload-rules-data").textContent);

const SIGNATURES = [
  { type: "jpeg", test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: "png", test: (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v) },
  { type: "gif", test: (b) => ascii(b, 0, 4) === "GIF8" },
  { type: "webp", test: (b) => ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP" },
  { type: "bmp", test: (b) => ascii(b, 0, 2) === "BM" },
  { type: "tiff", test: (b) => ascii(b, 0, 4) === "II*\0" || ascii(b, 0, 4) === "MM\0*" },
  { type: "heif", test: (b) => ascii(b, 4, 8) === "ftyp" },
];
// Types a browser cannot always draw; the server decodes them.
const UNDRAWABLE = new Set(["tiff", "heif"]);

function ascii(bytes, start, end) {
  return String.fromCharCode(...bytes.slice(start, end));
}

async function imageSize(file) {
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return { w: img.naturalWidth, h: img.naturalHeight };
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The server's message for a file it would refuse, or "" for a file worth sending. */
export async function checkFile(file) {
  if (!file || file.size === 0) return rules.messages.noFile;
  if (file.size > rules.maxBytes) return rules.messages.tooLarge;
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  const kind = SIGNATURES.find((s) => s.test(head));
  if (!kind) return rules.messages.invalid;
  if (UNDRAWABLE.has(kind.type)) return "";
  let size;
  try {
    size = await imageSize(file);
  } catch {
    return rules.messages.invalid;
  }
  if (size.w * size.h > rules.maxInputMP * 1e6) {
    return rules.messages.tooManyPixels.replace("{w}", size.w).replace("{h}", size.h);
  }
  return "";
}

function formatBytes(n) {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

if (form) {
  const input = form.querySelector("input[type=file]");
  const zone = form.querySelector("[data-dropzone]");
  const list = form.querySelector("[data-filelist]");
  const submit = form.querySelector("[data-submit]");
  let good = [];

  async function choose(files) {
    list.replaceChildren();
    const checked = await Promise.all([...files].map(async (file) => ({ file, message: await checkFile(file) })));
    good = checked.filter((c) => !c.message).map((c) => c.file);
    for (const { file, message } of checked) {
      const li = document.createElement("li");
      li.className = message ? "bad" : "good";
      const name = document.createElement("span");
      name.className = "filename";
      name.textContent = file.name;
      const note = document.createElement("span");
      note.className = message ? "error" : "muted";
      note.textContent = message || formatBytes(file.size);
      li.append(name, note);
      list.append(li);
    }
    const transfer = new DataTransfer();
    good.forEach((file) => transfer.items.add(file));
    input.files = transfer.files;
    submit.disabled = good.length === 0;
    submit.textContent = good.length > 1 ? `Upload ${good.length} images` : "Upload";
  }

  input.addEventListener("change", () => choose(input.files));
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    choose(event.dataTransfer.files);
  });
  form.addEventListener("submit", (event) => {
    if (input.files.length === 0) {
      event.preventDefault();
      list.replaceChildren(Object.assign(document.createElement("li"), { className: "bad", textContent: rules.messages.noFile }));
    } else {
      submit.disabled = true;
      submit.textContent = "Uploading…";
    }
  });
  form.dataset.ready = "true"; // the checks listen now (a module runs after the page shows)
}
