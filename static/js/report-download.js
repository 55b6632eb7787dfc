// PDF downloads: rendering takes seconds, so show that work is under way, and allow one
// request at a time (no double submission). Without JavaScript the links download directly.
(function () {
  "use strict";
  var links = document.querySelectorAll("a[data-report]");
  var progress = document.getElementById("report-progress");
  var failure = document.getElementById("report-error");
  var busy = false;

  function setBusy(state) {
    busy = state;
    progress.classList.toggle("d-none", !state);
    Array.prototype.forEach.call(links, function (link) {
      link.classList.toggle("disabled", state);
      link.setAttribute("aria-disabled", state ? "true" : "false");
    });
  }

  function filename(response, fallback) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename\*=UTF-8''([^;]+)/.exec(header);
    return match ? decodeURIComponent(match[1]) : fallback;
  }

  Array.prototype.forEach.call(links, function (link) {
    link.addEventListener("click", function (event) {
      if (!window.fetch || !window.URL) { return; }
      event.preventDefault();
      if (busy) { return; }
      failure.classList.add("d-none");
      setBusy(true);
      window.fetch(link.href, {credentials: "same-origin"}).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.blob().then(function (blob) {
          var url = window.URL.createObjectURL(blob);
          var anchor = document.createElement("a");
          anchor.href = url;
          anchor.download = filename(response, "report.pdf");
          document.body.appendChild(anchor);
          anchor.click();
          anchor.remove();
          window.setTimeout(function () { window.URL.revokeObjectURL(url); }, 10000);
        });
      }).catch(function () {
        failure.classList.remove("d-none");
      }).then(function () { setBusy(false); });
    });
  });
})();
