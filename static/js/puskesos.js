// Puskesos behaviour that cannot be plain HTML. Loaded as a file: the CSP forbids
// inline scripts. Keep it small; htmx does the live parts.
(function () {
  "use strict";
  // Send Django's CSRF token with every htmx request (the cookie is HttpOnly, so
  // the token is read from the <meta> tag that base templates render on forms pages).
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) {
      event.detail.headers["X-CSRFToken"] = meta.content;
    }
  });
  // Elements with data-autosubmit submit their form when changed (filters).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) {
      el.form.requestSubmit();
    }
  });
  // Buttons with data-print open the browser's print dialog.
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-print]") : null;
    if (el) {
      event.preventDefault();
      window.print();
    }
  });
  // After a desk form is saved, forget its unsaved-draft copy (see desk.js).
  document.addEventListener("DOMContentLoaded", function () {
    if (!document.querySelector("[data-clear-draft]")) {
      return;
    }
    try {
      Object.keys(window.sessionStorage).forEach(function (key) {
        if (key.indexOf("puskesos:visit-draft:") === 0) {
          window.sessionStorage.removeItem(key);
        }
      });
    } catch (e) { /* storage disabled: nothing to forget */ }
  });
})();
