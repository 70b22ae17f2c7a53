// The support form: shows only the amount fields of the chosen kind. Hidden fields are also
// disabled, so they are not sent; without this script every field shows and the server
// ignores those that do not fit the kind.
(function () {
  "use strict";

  var kind = document.querySelector("[data-support-kind]");
  if (!kind) {
    return;
  }
  var fields = document.querySelectorAll("[data-doume]");

  function update() {
    var isDoume = kind.value === "doume_bonus";
    fields.forEach(function (field) {
      var shown = !kind.value || (field.dataset.doume === "only") === isDoume;
      var wrapper = field.closest(".mb-3") || field;
      wrapper.hidden = !shown;
      field.disabled = !shown;
    });
  }

  kind.addEventListener("change", update);
  update();
})();
