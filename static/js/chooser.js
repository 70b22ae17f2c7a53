// Choosers (soli_dome/choosers.py): the search box becomes a combobox (WAI-ARIA APG, list
// autocomplete with manual selection) whose listbox shows the matches the endpoint returns.
// Down/Up move through them, Enter chooses, Escape closes the list (or, closed, empties the
// box). One chosen object goes into a hidden input named like the field; several become
// checked boxes ("chips") the person can uncheck. Without this script the server-side
// fallback stays: a "Chercher" button and a short list of matches.
(function () {
  "use strict";

  var DELAY_MS = 200;

  function setup(root) {
    var input = root.querySelector(".chooser-field input[type=text]");
    if (!input) {
      return;
    }
    var name = root.dataset.chooserName;
    var multiple = root.hasAttribute("data-chooser-multiple");
    var chosenList = root.querySelector("[data-chooser-chosen]");
    var hidden = null;
    var chosenLabel = "";
    if (!multiple) {
      var select = root.querySelector("select");
      hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = select ? select.value : "";
      chosenLabel = hidden.value ? input.value : "";
      root.appendChild(hidden);
    }
    root.querySelectorAll("[data-chooser-fallback]").forEach(function (element) {
      element.remove();
    });

    var listbox = document.createElement("ul");
    listbox.id = input.id + "_listbox";
    listbox.className = "chooser-listbox list-group";
    listbox.setAttribute("role", "listbox");
    listbox.hidden = true;
    var label = document.querySelector("label[for='" + input.id + "']");
    if (label) {
      label.id = label.id || input.id + "_label";
      listbox.setAttribute("aria-labelledby", label.id);
    }
    input.parentNode.appendChild(listbox);
    var status = document.createElement("p");
    status.className = "chooser-status small text-body-secondary mb-0";
    status.setAttribute("role", "status");
    input.parentNode.after(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    var options = [];
    var active = -1;
    var timer = null;
    var controller = null;

    function announce(text) {
      status.textContent = text || "";
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function isChosen(value) {
      return Boolean(
        chosenList && chosenList.querySelector("input[value='" + String(value) + "']:checked")
      );
    }

    function highlight(index) {
      var items = listbox.children;
      for (var i = 0; i < items.length; i += 1) {
        items[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    }

    function show(data) {
      options = data.results.filter(function (result) {
        return !multiple || !isChosen(result.value);
      });
      listbox.replaceChildren();
      options.forEach(function (result, index) {
        var item = document.createElement("li");
        item.id = listbox.id + "_" + index;
        item.className = "list-group-item";
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = result.label;
        if (result.detail) {
          var detail = document.createElement("span");
          detail.className = "chooser-detail";
          detail.textContent = " — " + result.detail;
          item.appendChild(detail);
        }
        // Keeps the focus in the box: a click chooses without blurring it first.
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
        });
        item.addEventListener("click", function () {
          choose(index);
        });
        listbox.appendChild(item);
      });
      if (!options.length) {
        close();
        announce(root.dataset.chooserNone);
        return;
      }
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(-1);
      var message = options.length + " " + root.dataset.chooserCount;
      announce(data.more ? message + ". " + root.dataset.chooserMore : message);
    }

    function search(immediately) {
      window.clearTimeout(timer);
      timer = window.setTimeout(
        function () {
          if (controller) {
            controller.abort();
          }
          controller = new AbortController();
          var url = root.dataset.chooserUrl + "?q=" + encodeURIComponent(input.value.trim());
          fetch(url, {
            headers: { Accept: "application/json" },
            credentials: "same-origin",
            signal: controller.signal,
          })
            .then(function (response) {
              if (!response.ok) {
                throw new Error(String(response.status));
              }
              return response.json();
            })
            .then(show)
            .catch(function (error) {
              if (error.name !== "AbortError") {
                close();
                announce(root.dataset.chooserFailed);
              }
            });
        },
        immediately ? 0 : DELAY_MS
      );
    }

    function addChip(result) {
      var existing = chosenList.querySelector("input[value='" + String(result.value) + "']");
      if (existing) {
        existing.checked = true;
        return;
      }
      var id = input.id + "_chosen_" + result.value;
      var chip = document.createElement("li");
      chip.className = "chooser-chip form-check";
      var box = document.createElement("input");
      box.type = "checkbox";
      box.className = "form-check-input";
      box.name = name;
      box.value = result.value;
      box.id = id;
      box.checked = true;
      var text = document.createElement("label");
      text.className = "form-check-label";
      text.htmlFor = id;
      text.textContent = result.label;
      chip.append(box, " ", text);
      chosenList.appendChild(chip);
      chosenList.hidden = false;
    }

    function choose(index) {
      var result = options[index];
      if (!result) {
        return;
      }
      if (multiple) {
        addChip(result);
        input.value = "";
        close();
        announce(result.label + " " + root.dataset.chooserAdded);
      } else {
        hidden.value = result.value;
        input.value = result.label;
        chosenLabel = result.label;
        close();
        announce("");
      }
    }

    input.addEventListener("input", function () {
      if (!multiple && input.value !== chosenLabel) {
        hidden.value = "";
      }
      if (!input.value.trim()) {
        close();
        announce("");
        return;
      }
      search(false);
    });

    input.addEventListener("keydown", function (event) {
      var isOpen = !listbox.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (isOpen) {
          highlight((active + 1) % options.length);
        } else {
          search(true);
        }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (isOpen) {
          highlight(active <= 0 ? options.length - 1 : active - 1);
        }
      } else if (event.key === "Enter") {
        if (isOpen) {
          event.preventDefault();
          if (active >= 0) {
            choose(active);
          } else {
            close();
          }
        } else if (!multiple && !hidden.value && input.value.trim()) {
          // Text typed but nothing chosen yet: show the matches rather than send the form.
          event.preventDefault();
          search(true);
        }
      } else if (event.key === "Escape") {
        if (isOpen) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          if (!multiple) {
            hidden.value = "";
            chosenLabel = "";
          }
          announce("");
        }
      }
    });

    input.addEventListener("blur", close);
  }

  document.querySelectorAll("[data-chooser]").forEach(setup);
})();
