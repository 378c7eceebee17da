// The profile-change form shows only the fields the chosen kind needs (without
// JavaScript every field stays visible; the server checks what each kind needs).
(function () {
  "use strict";
  var form = document.querySelector("[data-testid=change-form]");
  if (!form) {
    return;
  }
  var FIELDS = {
    pindah: ["person", "event_date", "moved_to"],
    meninggal: ["person", "event_date"],
    anggota_baru: ["name", "nik", "birth_date", "sex", "relation", "event_date"],
    koreksi: ["person", "name", "nik", "birth_date", "sex", "address"],
    mampu: ["event_date"]
  };
  var OPTIONAL = ["person", "event_date", "name", "nik", "birth_date", "sex", "relation",
                  "address", "moved_to"];
  function show() {
    var checked = form.querySelector("input[name=kind]:checked");
    var wanted = checked ? FIELDS[checked.value] || [] : [];
    OPTIONAL.forEach(function (name) {
      var box = form.querySelector(".field-" + name);
      if (box) {
        box.hidden = checked !== null && wanted.indexOf(name) === -1;
      }
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") {
      show();
    }
  });
  show();
})();
