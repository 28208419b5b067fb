// Switching the language on a page with a half-filled form keeps what was typed: the
// switcher's submit puts the page's other form fields in this tab's sessionStorage, and
// the same page in the new language puts them back (once). Passwords, files and hidden
// fields (tokens) are never stored. Without JavaScript the switch still works; the
// typed text is then lost, as with any reload.
const KEY = "ojc-language-switch";
const SKIP_TYPES = new Set(["password", "file", "hidden", "submit", "button", "reset"]);

function fields() {
  return Array.from(document.querySelectorAll("form:not(.language-switch) [name]")).filter(
    (el) => !SKIP_TYPES.has(el.type) && !el.disabled && el.name !== "csrfmiddlewaretoken",
  );
}

function keyOf(el) {
  const form = el.form;
  const forms = Array.from(document.forms);
  return `${forms.indexOf(form)}:${el.name}`;
}

function remember() {
  const values = {};
  fields().forEach((el) => {
    const key = keyOf(el);
    if (el.type === "checkbox" || el.type === "radio") {
      if (el.checked) (values[key] = values[key] || []).push(el.value);
      else values[key] = values[key] || [];
    } else if (el.tagName === "SELECT" && el.multiple) {
      values[key] = Array.from(el.selectedOptions, (o) => o.value);
    } else {
      values[key] = [el.value];
    }
  });
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ url: location.pathname, values }));
  } catch { /* private mode: the switch works, the text is not kept */ }
}

function restore() {
  let snapshot = null;
  try { snapshot = JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch { snapshot = null; }
  if (!snapshot) return;
  sessionStorage.removeItem(KEY);
  if (snapshot.url !== location.pathname) return;
  fields().forEach((el) => {
    const values = snapshot.values[keyOf(el)];
    if (!values) return;
    if (el.type === "checkbox" || el.type === "radio") {
      el.checked = values.includes(el.value);
    } else if (el.tagName === "SELECT" && el.multiple) {
      Array.from(el.options).forEach((o) => { o.selected = values.includes(o.value); });
    } else if (values.length) {
      el.value = values[0];
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  restore();
  document.querySelectorAll("form.language-switch").forEach((form) => {
    form.addEventListener("submit", remember);
  });
});
