// Step pages: (1) show a question only when the answers on the same page call for it (the
// server applies the same conditions, so without JavaScript every question is shown and
// extra answers are ignored; conditions are the engine's JSON, see engine.Cond.as_json);
// (2) keep what was typed if the session ended before it could be saved: the answers of a
// sent page wait in this tab's sessionStorage (gone when the tab closes) and come back
// after logging in again, unless the step was saved meanwhile.
const form = document.querySelector("form.step-form");
const KEY = "ojc-unsaved-step";
const SKIP = new Set(["csrfmiddlewaretoken", "base_version"]);

function valueOf(name) {
  const inputs = form.querySelectorAll(`[name="${CSS.escape(name)}"]`);
  const values = [];
  inputs.forEach((input) => {
    if ((input.type === "checkbox" || input.type === "radio") && !input.checked) return;
    values.push(input.value);
  });
  const multi = inputs.length > 0 && inputs[0].type === "checkbox";
  return multi ? values : (values[0] ?? "");
}

function test(cond) {
  const ref = (cond.ref || "").replace(/^\./, "");
  switch (cond.op) {
    case "eq": return valueOf(ref) === cond.value;
    case "in": return cond.values.includes(valueOf(ref));
    case "has": { const v = valueOf(ref); return Array.isArray(v) && v.includes(cond.value); }
    case "all": return cond.parts.every(test);
    case "any": return cond.parts.some(test);
    case "not": return !test(cond.part);
    default: return true;
  }
}

function update() {
  form.querySelectorAll("[data-show-if]").forEach((el) => {
    let shown = true;
    try { shown = test(JSON.parse(el.dataset.showIf)); } catch { shown = true; }
    el.hidden = !shown;
  });
}

function baseVersion() {
  const input = form.querySelector("[name=base_version]");
  return input ? input.value : "";
}

function remember() {
  const values = {};
  new FormData(form).forEach((value, name) => {
    if (SKIP.has(name) || typeof value !== "string") return;
    (values[name] = values[name] || []).push(value);
  });
  const snapshot = { url: location.pathname, version: baseVersion(), values };
  try { sessionStorage.setItem(KEY, JSON.stringify(snapshot)); } catch { /* private mode */ }
}

function restore() {
  let snapshot = null;
  try { snapshot = JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch { snapshot = null; }
  if (!snapshot) return;
  if (snapshot.url !== location.pathname) {
    sessionStorage.removeItem(KEY); // saved and moved on
    return;
  }
  const alreadyShown = form.dataset.posted === "1";
  if (snapshot.version !== baseVersion() || alreadyShown) {
    sessionStorage.removeItem(KEY); // saved meanwhile, or the server shows the answers
    return;
  }
  Object.entries(snapshot.values).forEach(([name, values]) => {
    form.querySelectorAll(`[name="${CSS.escape(name)}"]`).forEach((input) => {
      if (input.type === "checkbox" || input.type === "radio") {
        input.checked = values.includes(input.value);
      } else if (input.type !== "hidden" && input.type !== "submit") {
        input.value = values[0] ?? "";
      }
    });
  });
  const notice = document.getElementById("restored-notice");
  if (notice) notice.hidden = false;
}

if (form) {
  restore();
  form.addEventListener("change", update);
  form.addEventListener("submit", remember);
  update();
}
