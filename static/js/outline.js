// The questionnaire's outline (templates/assessments/_outline.html). Without this script every part
// works as links (the server computes counts, "next unanswered" and the filter); with it:
// - the counts follow the choices made on the page before they are saved;
// - "Next unanswered" goes to the next unanswered indicator below the one in view (choices on the
//   page included), and to the next step with one when this step has none left;
// - on the phone, choosing an entry of the bottom sheet closes the sheet before it scrolls.
(function () {
  "use strict";
  var sheet = document.getElementById("outline");
  if (!sheet) { return; }

  function answered(block) { return block.querySelector("input[type=radio]:checked") !== null; }
  function blocks() { return Array.prototype.slice.call(document.querySelectorAll(".indicator")); }

  function recount() {
    var stepDone = 0, stepTotal = 0;
    Array.prototype.forEach.call(sheet.querySelectorAll("[data-outline-sub]"), function (entry) {
      var fieldset = document.getElementById("sub-" + entry.dataset.outlineSub.replace(/\./g, "_"));
      if (!fieldset) { return; }  // another step's sub-dimension: the server's count stands
      var total = Number(entry.dataset.total);
      var done = Array.prototype.filter.call(fieldset.querySelectorAll(".indicator"), answered).length;
      stepDone += done;
      stepTotal += total;
      entry.querySelector(".outline-count").textContent = (done === total ? "✓ " : "") + done + "/" + total;
      var bar = entry.querySelector(".progress");
      bar.setAttribute("aria-valuenow", String(done));
      bar.firstElementChild.style.width = (total ? Math.round(100 * done / total) : 0) + "%";
    });
    var step = sheet.querySelector('[data-outline-step="' + sheet.dataset.step + '"] > a .outline-count');
    if (step && stepTotal) { step.textContent = stepDone + "/" + stepTotal; }
  }

  // On the phone the outline is an open sheet: close it, then act (Bootstrap restores scrolling on "hidden").
  function afterSheet(action) {
    var instance = window.bootstrap && window.bootstrap.Offcanvas.getInstance(sheet);
    if (instance && sheet.classList.contains("show")) {
      sheet.addEventListener("hidden.bs.offcanvas", function once() {
        sheet.removeEventListener("hidden.bs.offcanvas", once);
        action();
      });
      instance.hide();
    } else {
      action();
    }
  }

  function goTo(element) {
    element.scrollIntoView({ block: "start" });
    var first = element.querySelector("input, textarea, legend");
    if (first && first.focus) { first.focus({ preventScroll: true }); }
    if (window.history.replaceState) { window.history.replaceState(null, "", "#" + element.id); }
  }

  var next = document.getElementById("next-unanswered");
  if (next) {
    next.addEventListener("click", function (event) {
      var open = blocks().filter(function (b) { return !b.classList.contains("d-none") && !answered(b); });
      var below = open.filter(function (b) { return b.getBoundingClientRect().top > 40; })[0];
      var after = next.dataset.after;
      var target = below || null;
      if (!target && after && next.dataset.afterStep !== sheet.dataset.step) { return afterSheetGo(event, after); }
      if (!target) { target = open[0]; }
      if (!target) { return; }  // the link itself: the server's first unanswered
      event.preventDefault();
      afterSheet(function () { goTo(target); });
    });
  }

  function afterSheetGo(event, href) {
    event.preventDefault();
    afterSheet(function () { window.location.href = href; });
  }

  Array.prototype.forEach.call(sheet.querySelectorAll(".outline-steps a"), function (link) {
    link.addEventListener("click", function (event) {
      var href = link.getAttribute("href");
      if (href.charAt(0) !== "#") { return; }  // another step: the page changes anyway
      var target = document.getElementById(href.slice(1));
      if (!target) { return; }
      event.preventDefault();
      afterSheet(function () { goTo(target); });
    });
  });

  var form = document.getElementById("questionnaire-form");
  if (form) { form.addEventListener("change", recount); }
  recount();
})();
