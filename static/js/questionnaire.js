// Questionnaire step: nothing typed is lost.
// - Every change is kept in localStorage until the server shows it saved, so a reload, a closed tab
//   or an expired session (the POST bounced to the sign-in page) brings the input back.
// - The stored copy includes the hidden "seen" revisions, so a restored edit that is stale by now is
//   still detected as a conflict by the server instead of overwriting someone else's answer.
// - Leaving a page with unsaved changes asks for confirmation.
// - The kept copy is keyed by user, assessment and key format
//   ("sodpa-draft:v2:u<user>:a<assessment>:<step>"), and signing out removes every key of the app
//   (signout.js), as does any page of another signed-in user: the next person on a shared computer
//   never sees it.
(function () {
  "use strict";
  // After a successful save the server redirects with ?saved=<step>: that step's kept copy is stale.
  var savedStep = new URLSearchParams(window.location.search).get("saved");
  var prefixHolder = document.querySelector("[data-storage-prefix]");
  if (savedStep && prefixHolder) {
    try { window.localStorage.removeItem(prefixHolder.dataset.storagePrefix + savedStep); } catch (e) { /* off */ }
  }
  var form = document.getElementById("questionnaire-form");
  if (!form) { return; }
  var key = form.dataset.storageKey;
  var dirty = false;
  var submitting = false;

  function snapshot() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") { return; }
      if (el.type === "radio") {
        if (!(el.name in values)) { values[el.name] = ""; }
        if (el.checked) { values[el.name] = el.value; }
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  // What the user sees and the server keeps: levels, and evidence notes without the leading and
  // trailing whitespace the server strips (else a note ended with Enter never matches the saved
  // one, and the page claims "unsaved answers restored" after every save).
  function visible(values) {
    var out = {};
    Object.keys(values).forEach(function (name) {
      if (/-level$/.test(name)) { out[name] = values[name]; }
      else if (/-evidence$/.test(name)) { out[name] = String(values[name]).trim(); }
    });
    return JSON.stringify(out);
  }

  function apply(values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!(el.name in values) || el.name === "csrfmiddlewaretoken") { return; }
      if (el.type === "radio") { el.checked = el.value === values[el.name]; }
      else if (el.type !== "submit") { el.value = values[el.name]; }
    });
  }

  function read() {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function store() {
    try { window.localStorage.setItem(key, JSON.stringify(snapshot())); } catch (e) { /* storage full or off */ }
  }
  function clear() {
    try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ }
  }

  var saved = read();
  var hasErrors = form.querySelector(".is-invalid") !== null || document.getElementById("conflicts") !== null;
  if (saved && !hasErrors) {
    if (visible(saved) === visible(snapshot())) {
      clear();  // the server has it: the last save went through
    } else {
      apply(saved);
      dirty = true;
      document.getElementById("restored-notice").classList.remove("d-none");
    }
  } else if (hasErrors) {
    store();  // the page holds the user's input the server refused: keep it safe too
    dirty = true;
  }

  form.addEventListener("input", function () { dirty = true; store(); });
  form.addEventListener("change", function () { dirty = true; store(); });
  form.addEventListener("submit", function () {
    submitting = true;
    Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) {
      window.setTimeout(function () { b.disabled = true; }, 0);
    });
  });
  // Attaching or deleting an evidence file (forms marked data-keeps-draft) leaves the page without
  // saving the step: the kept copy brings the input back on the page that follows.
  document.addEventListener("submit", function (event) {
    if (event.target !== form && event.target.hasAttribute("data-keeps-draft")) { submitting = true; }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) { event.preventDefault(); event.returnValue = ""; }
  });
})();
