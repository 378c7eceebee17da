// The registration form at the desk: live register check, prefill, keyboard flow,
// and an unsaved-draft copy in sessionStorage (an expired session or a closed tab
// must not lose what the clerk typed). Loaded as a file: the CSP forbids inline JS.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) {
    return;
  }
  var panel = document.getElementById("register-panel");
  var nik = form.elements.namedItem("nik");
  var name = form.elements.namedItem("name");
  var personId = form.elements.namedItem("person_id");
  var draftKey = form.dataset.draftKey;
  var timer = null;
  var lastQuery = null;

  // -- live register check -------------------------------------------------------
  function lookup(query) {
    query = (query || "").trim();
    if (query === lastQuery) {
      return;
    }
    lastQuery = query;
    htmx.ajax("GET", form.dataset.lookupUrl + "?q=" + encodeURIComponent(query), {
      target: panel, swap: "innerHTML", indicator: "#lookup-spinner"
    });
  }
  function scheduleLookup(query) {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { lookup(query); }, 200);
  }
  nik.addEventListener("input", function () {
    personId.value = "";
    scheduleLookup(nik.value);
  });
  name.addEventListener("input", function () {
    if (!nik.value.trim() && name.value.trim().length >= 3) {
      scheduleLookup(name.value);
    }
  });

  var prefillFields = {name: "name", noKk: "no_kk", address: "address", dusun: "dusun",
                       rt: "rt", rw: "rw"};
  function prefill(button, overwrite) {
    Object.keys(prefillFields).forEach(function (key) {
      var field = form.elements.namedItem(prefillFields[key]);
      var value = button.dataset[key] || "";
      if (field && value && (overwrite || !field.value.trim())) {
        field.value = value;
      }
    });
    personId.value = button.dataset.personId || "";
    saveDraft();
  }
  function exactHitButton() {
    return panel.querySelector("[data-exact-hit] [data-prefill]");
  }
  panel.addEventListener("htmx:afterSwap", function () {
    var button = exactHitButton();
    if (button) {
      prefill(button, false);
    }
  });
  panel.addEventListener("click", function (event) {
    var button = event.target.closest("[data-prefill]");
    if (button) {
      prefill(button, true);
      focusField("phone");
    }
  });

  // -- keyboard flow -------------------------------------------------------------
  function focusField(fieldName) {
    var field = form.elements.namedItem(fieldName);
    if (field && field.focus) {
      field.focus();
    }
  }
  function focusable() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return !el.disabled && el.type !== "hidden" && el.tabIndex >= 0 &&
        el.offsetParent !== null && el.tagName !== "FIELDSET";
    });
  }
  function focusNext(current) {
    var list = focusable();
    var index = list.indexOf(current);
    // Skip the other radio buttons of the same group.
    var next = list[index + 1];
    while (next && current.type === "radio" && next.name === current.name) {
      index += 1;
      next = list[index + 1];
    }
    if (next) {
      next.focus();
    }
  }
  form.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    if (event.key !== "Enter" || event.shiftKey || event.altKey) {
      return;
    }
    if (el.tagName === "TEXTAREA" || el.tagName === "BUTTON" || el.type === "file" ||
        el.type === "submit") {
      return;
    }
    event.preventDefault();
    if (el === nik) {
      window.clearTimeout(timer);
      lookup(nik.value);
      var button = exactHitButton();
      if (button) {
        prefill(button, false);
      }
    }
    focusNext(el);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "F2") {
      event.preventDefault();
      nik.focus();
      nik.select();
    }
  });

  // -- parts shown by purpose and reporter ---------------------------------------
  var complaintFields = document.getElementById("complaint-fields");
  var reporterFields = document.getElementById("reporter-fields");
  function toggleParts() {
    var purpose = form.querySelector("input[name=purpose]:checked");
    complaintFields.hidden = !purpose || purpose.value !== "pengaduan";
    var relation = form.elements.namedItem("reporter_relation");
    reporterFields.hidden = relation && relation.value === "sendiri" &&
      !reporterFields.querySelector(".is-invalid");
  }
  form.addEventListener("change", toggleParts);

  // -- unsaved draft ---------------------------------------------------------------
  function saveDraft() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") {
        return;
      }
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) {
          data[el.name] = el.value;
        }
      } else {
        data[el.name] = el.value;
      }
    });
    try {
      window.sessionStorage.setItem(draftKey, JSON.stringify(data));
    } catch (e) { /* storage full or disabled: the form still works */ }
  }
  function restoreDraft() {
    var raw = null;
    try {
      raw = window.sessionStorage.getItem(draftKey);
    } catch (e) {
      return;
    }
    if (!raw) {
      return;
    }
    var data = JSON.parse(raw);
    Object.keys(data).forEach(function (key) {
      var field = form.elements.namedItem(key);
      if (!field) {
        return;
      }
      if (field instanceof RadioNodeList || field.type === "radio") {
        Array.prototype.forEach.call(form.querySelectorAll("[name='" + key + "']"),
          function (radio) { radio.checked = radio.value === data[key]; });
      } else {
        field.value = data[key];
      }
    });
    document.getElementById("draft-restored").classList.remove("d-none");
  }
  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);
  form.addEventListener("submit", function () {
    saveDraft();
    var button = form.querySelector("[type=submit]");
    // One click is enough; the server also ignores a repeated submission.
    window.setTimeout(function () { button.disabled = true; }, 0);
  });
  form.querySelector("[data-clear-form]").addEventListener("click", function () {
    try {
      window.sessionStorage.removeItem(draftKey);
    } catch (e) { /* nothing stored */ }
    window.location.assign(window.location.pathname);
  });

  if (form.dataset.bound === "0") {
    restoreDraft();
  }
  toggleParts();
  if (nik.value.trim()) {
    lookup(nik.value);
  }
})();
