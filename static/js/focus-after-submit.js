// After a form is sent, the focus goes to what the page says about it instead of staying at
// the top of the page: the message of the action (after the redirect), else the first field
// to correct, else the form's error. Screen readers then read it, and keyboard users go on
// from there.
(function () {
    "use strict";
    var target =
        document.querySelector("[data-focus-on-load]") ||
        document.querySelector("form .is-invalid, form [aria-invalid='true']") ||
        document.querySelector("form .alert-danger");
    if (!target) {
        return;
    }
    if (!target.matches("a[href], button, input, select, textarea, [tabindex]")) {
        target.setAttribute("tabindex", "-1");
    }
    target.focus();
})();
