/* Search-as-you-type boxes (branches/widgets.py SearchSelect): a combobox whose matches htmx fetches
   from a small scoped endpoint, and a hidden input that carries the chosen id under the filter's name.
   Keyboard: arrows move through the matches, Enter chooses, Escape closes. No inline script (CSP). */
(function () {
  "use strict";

  function parts(element) {
    var root = element.closest("[data-search-select]");
    if (!root) {
      return null;
    }
    return {
      root: root,
      input: root.querySelector("[data-search-select-input]"),
      value: root.querySelector("[data-search-select-value]"),
      list: root.querySelector("[role=listbox]"),
    };
  }

  function options(p) {
    return Array.prototype.slice.call(p.list.querySelectorAll("[role=option][data-value]"));
  }

  function close(p) {
    p.list.hidden = true;
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
  }

  function activate(p, option) {
    options(p).forEach(function (o) {
      var on = o === option;
      o.classList.toggle("active", on);
      o.setAttribute("aria-selected", on ? "true" : "false");
    });
    if (option) {
      p.input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      p.input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(p, option) {
    if (p.root.hasAttribute("data-search-select-multiple")) {
      add(p, option);
      return;
    }
    p.value.value = option.dataset.value;
    p.input.value = option.dataset.label;
    close(p);
    p.value.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // Several choices: each chosen match becomes a chip carrying a hidden input; the box empties again.
  function add(p, option) {
    var chosen = p.root.querySelector("[data-search-select-chosen]");
    var name = p.root.dataset.name;
    var already = chosen.querySelector('input[value="' + option.dataset.value + '"]');
    if (!already) {
      var chip = document.createElement("span");
      chip.className = "badge text-bg-secondary search-select-chip";
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = option.dataset.value;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn-close btn-close-white ms-1";
      // The same name the page gives the chips it draws: "移除 城关营业部".
      remove.setAttribute("aria-label", (p.root.dataset.removeLabel || "Remove") + " " + option.dataset.label);
      remove.setAttribute("data-search-select-remove", "");
      chip.appendChild(hidden);
      chip.appendChild(document.createTextNode(option.dataset.label + " "));
      chip.appendChild(remove);
      chosen.appendChild(chip);
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }
    p.input.value = "";
    close(p);
    p.input.focus();
  }

  document.addEventListener("click", function (event) {
    var remove = event.target.closest && event.target.closest("[data-search-select-remove]");
    if (remove) {
      var chip = remove.closest(".search-select-chip");
      var root = chip.closest("[data-search-select]");
      chip.remove();
      root.querySelector("[data-search-select-input]").focus();
    }
  });

  // The typed text goes as ?term=; the box itself has no name, so the filter form never submits it.
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt.matches || !elt.matches("[data-search-select-input]")) {
      return;
    }
    var term = elt.value.trim();
    if (!term) {
      event.preventDefault();
      close(parts(elt));
      return;
    }
    event.detail.parameters.term = term;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var list = event.detail.target;
    if (!list.matches || !list.matches("[data-search-select] [role=listbox]")) {
      return;
    }
    var p = parts(list);
    options(p).forEach(function (o, i) {
      o.id = list.id + "-" + i;
    });
    list.hidden = false;
    p.input.setAttribute("aria-expanded", "true");
    activate(p, null);
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-search-select-input]")) {
      var p = parts(event.target);
      if (p.value) {
        p.value.value = ""; // a changed text is no longer the chosen row
      }
      if (!event.target.value.trim()) {
        close(p);
      }
    }
  });

  document.addEventListener("keydown", function (event) {
    if (!event.target.matches || !event.target.matches("[data-search-select-input]")) {
      return;
    }
    var p = parts(event.target);
    var all = options(p);
    var open = !p.list.hidden;
    var current = p.list.querySelector("[role=option].active");
    var index = all.indexOf(current);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!open || !all.length) {
        return;
      }
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      activate(p, all[(index + step + all.length) % all.length]);
    } else if (event.key === "Enter" && open) {
      if (current) {
        event.preventDefault();
        choose(p, current);
      } else if (all.length === 1) {
        event.preventDefault();
        choose(p, all[0]);
      }
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close(p);
    }
  });

  // Keep the focus in the box while a match is tapped, so the list does not close under the finger.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest("[data-search-select] [role=listbox]")) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest("[data-search-select] [role=option][data-value]");
    if (option) {
      choose(parts(option), option);
    }
  });

  document.addEventListener("focusout", function (event) {
    var p = event.target.closest && parts(event.target);
    if (p && !p.root.contains(event.relatedTarget)) {
      close(p);
    }
  });
})();
