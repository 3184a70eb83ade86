/* Hulp in de buurt: small enhancements of the search page. The page works without this file. */
(function () {
  "use strict";

  // Parts that only make sense with JavaScript (the map) are shown from now on.
  document.documentElement.classList.add("js");

  // After a search, move the focus to the outcome (the results heading or the list of problems),
  // so screen reader and keyboard users start there instead of at the top of the page.
  function focusOutcome() {
    if (!window.location.search) {
      return;
    }
    var target = document.querySelector("[data-focus-bij-laden]");
    if (target) {
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "start" });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusOutcome);
  } else {
    focusOutcome();
  }
})();
