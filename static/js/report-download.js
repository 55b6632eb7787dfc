// PDF downloads. A click asks the server to prepare the report (POST data-prepare): it is either
// ready at once (cached, or rendered inline when no background worker is set up) or queued for a
// worker, in which case the status is polled every second while the progress alert counts the
// seconds. When ready, the PDF is fetched and saved. One request at a time (no double submission);
// without JavaScript the links download directly.
(function () {
  "use strict";
  var group = document.getElementById("report-downloads");
  var links = document.querySelectorAll("a[data-report]");
  var progress = document.getElementById("report-progress");
  var elapsed = document.getElementById("report-progress-elapsed");
  var failure = document.getElementById("report-error");
  if (!progress || !failure || !links.length) { return; }
  var failureText = failure.textContent;
  var POLL_MS = 1000;
  var GIVE_UP_SECONDS = 600;  // a queue this slow means no worker is running
  var busy = false;
  var started = 0;
  var ticker = null;

  function csrfToken() {
    var token = group && group.getAttribute("data-csrf");
    if (token) { return token; }
    var match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function seconds() { return Math.floor((Date.now() - started) / 1000); }

  function showElapsed() {
    if (!elapsed) { return; }
    var template = elapsed.getAttribute("data-template") || "({seconds} s)";
    elapsed.textContent = seconds() > 0 ? template.replace("{seconds}", String(seconds())) : "";
  }

  function setBusy(state) {
    busy = state;
    progress.classList.toggle("d-none", !state);
    if (ticker) { window.clearInterval(ticker); ticker = null; }
    if (state) {
      started = Date.now();
      showElapsed();
      ticker = window.setInterval(showElapsed, 1000);
    } else if (elapsed) {
      elapsed.textContent = "";
    }
    Array.prototype.forEach.call(links, function (link) {
      link.classList.toggle("disabled", state);
      link.setAttribute("aria-disabled", state ? "true" : "false");
    });
  }

  function fail(message) {
    failure.textContent = message || failureText;
    failure.classList.remove("d-none");
    setBusy(false);
  }

  function json(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") !== 0) { throw new Error("not JSON: " + response.status); }
    return response.json();
  }

  function filename(response, fallback) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename\*=UTF-8''([^;]+)/.exec(header);
    return match ? decodeURIComponent(match[1]) : fallback;
  }

  function download(url) {
    return window.fetch(url, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.blob().then(function (blob) {
        var objectUrl = window.URL.createObjectURL(blob);
        var anchor = document.createElement("a");
        anchor.href = objectUrl;
        anchor.download = filename(response, "report.pdf");
        document.body.appendChild(anchor);
        anchor.click();
        anchor.remove();
        window.setTimeout(function () { window.URL.revokeObjectURL(objectUrl); }, 10000);
        setBusy(false);
      });
    });
  }

  function prepare(url) {
    return window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json"}
    }).then(json);
  }

  function poll(url) {
    return window.fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"},
                              cache: "no-store"}).then(json);
  }

  // Follows the server's answers until the PDF is saved or something fails.
  function follow(answer, link, restarts) {
    if (answer.status === "ready") { return download(answer.url || link.href); }
    if (answer.status === "pending" && answer.poll) {
      if (seconds() > GIVE_UP_SECONDS) { throw new Error("gave up waiting"); }
      return new Promise(function (resolve) { window.setTimeout(resolve, POLL_MS); }).then(function () {
        return poll(answer.poll);
      }).then(function (next) { return follow(next, link, restarts); });
    }
    if (answer.status === "none" && restarts < 3) {
      // The assessment changed while its report was being prepared: prepare the current state.
      return prepare(answer.prepare || link.getAttribute("data-prepare")).then(function (next) {
        return follow(next, link, restarts + 1);
      });
    }
    fail(answer.message);
    return null;
  }

  Array.prototype.forEach.call(links, function (link) {
    link.addEventListener("click", function (event) {
      if (!window.fetch || !window.URL || !window.Promise) { return; }
      event.preventDefault();
      if (busy) { return; }
      failure.classList.add("d-none");
      setBusy(true);
      var prepareUrl = link.getAttribute("data-prepare");
      var work = prepareUrl
        ? prepare(prepareUrl).then(function (answer) { return follow(answer, link, 0); })
        : download(link.href);
      work.catch(function () { fail(); });
    });
  });
})();
