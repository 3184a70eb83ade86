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

  // "Gebruik mijn locatie": the browser's point goes to our own server only, which answers with the
  // nearest postcode from its own tables and runs the search with it.
  function setUpLocation() {
    var button = document.querySelector("[data-mijn-locatie]");
    var status = document.querySelector("[data-locatie-status]");
    if (!button) {
      return;
    }
    if (!("geolocation" in navigator)) {
      button.parentNode.hidden = true;
      return;
    }
    button.addEventListener("click", function () {
      status.textContent = "Even geduld, we zoeken uw locatie.";
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        var form = button.form || document.querySelector("form.zoek");
        var params = new URLSearchParams();
        params.set("lat", position.coords.latitude.toFixed(5));
        params.set("lon", position.coords.longitude.toFixed(5));
        ["vraag", "voorWie", "afstand"].forEach(function (name) {
          var field = form && form.elements[name];
          if (field && field.value) {
            params.set(name, field.value);
          }
        });
        ["gratis", "nuOpen"].forEach(function (name) {
          var field = form && form.elements[name];
          if (field && field.checked) {
            params.set(name, "ja");
          }
        });
        window.location.href = button.getAttribute("data-url") + "?" + params.toString();
      }, function () {
        button.disabled = false;
        status.textContent = "Uw locatie is niet bekend. Vul uw postcode zelf in.";
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
    });
  }

  // Share: copy the link of this search. Print: the list, without the map and the form.
  function setUpShareAndPrint() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-kopieer]"), function (button) {
      button.addEventListener("click", function () {
        var field = document.getElementById(button.getAttribute("data-kopieer"));
        var status = document.querySelector("[data-kopieer-status]");
        function done() { status.textContent = "De link is gekopieerd."; }
        function fallback() {
          field.focus();
          field.select();
          try {
            document.execCommand("copy");
            done();
          } catch (error) {
            status.textContent = "Kopieer de link zelf: hij is geselecteerd.";
          }
        }
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(done, fallback);
        } else {
          fallback();
        }
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function start() {
    focusOutcome();
    setUpLocation();
    setUpShareAndPrint();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
