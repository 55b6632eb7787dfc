// What the app keeps in this browser (unsaved questionnaire answers, questionnaire.js) belongs to one
// signed-in user, so the next person on a shared computer finds nothing of the last one:
// - signing out removes every key of the app;
// - any page of a signed-in user removes the kept copies of other users (whose session ended
//   without signing out).
(function () {
  "use strict";
  function forget(keep) {
    try {
      for (var i = window.localStorage.length - 1; i >= 0; i--) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf("sodpa") === 0 && !(keep && key.indexOf(keep) === 0)) {
          window.localStorage.removeItem(key);
        }
      }
    } catch (e) { /* storage off: nothing kept */ }
  }
  var form = document.getElementById("signout-form");
  if (!form) { return; }
  forget("sodpa-draft:v2:u" + form.dataset.user + ":");
  form.addEventListener("submit", function () { forget(null); });
})();
