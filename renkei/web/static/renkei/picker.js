/* Renkei: a searchable picker with chips for <select multiple data-picker> (ui.widgets.ChipPicker).
 *
 * The select stays in the form, hidden, and holds the choices: the form sends what it always sent,
 * and without this file the page shows the plain select. A text box (an ARIA combobox) filters the
 * options as one types; Enter or a click adds the option as a chip; each chip has a labelled remove
 * button; a live region says what was added or removed. The words come from the select's data-picker-*
 * attributes, in the page's language. */
(function () {
  "use strict";
  var count = 0;

  function fold(text) {
    // Case and accents do not matter: "koln" finds Köln, "sao" finds São Paulo. The start of an
    // option's value finds it too ("toya" finds 富山市 through its address name "toyama").
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function say(template, value) { return (template || "%s").replace("%s", value); }

  function make(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function enhance(select) {
    if (select.hasAttribute("data-picker-ready") || !select.multiple) return;
    select.setAttribute("data-picker-ready", "");
    count += 1;
    var id = select.id || "picker-" + count;
    var words = select.dataset;
    var root = make("div", "picker");
    var chips = make("ul", "picker-chips");
    var input = make("input", "picker-input");
    var list = make("ul", "picker-options");
    var live = make("p", "visually-hidden");
    var hint = make("span", "visually-hidden");
    var active = -1;
    var shown = [];

    input.type = "text";
    input.id = id + "-search";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id + "-options");
    input.placeholder = words.pickerPlaceholder || "";
    list.id = id + "-options";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    live.setAttribute("aria-live", "polite");
    hint.id = id + "-chosen";
    var described = [hint.id];
    if (select.getAttribute("aria-describedby")) described.push(select.getAttribute("aria-describedby"));
    input.setAttribute("aria-describedby", described.join(" "));
    if (select.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
    var label = select.id && document.querySelector("label[for='" + select.id + "']");
    if (label) {
      label.htmlFor = input.id;
      chips.setAttribute("aria-label", label.textContent.trim());
    }

    root.appendChild(chips);
    root.appendChild(input);
    root.appendChild(list);
    root.appendChild(hint);
    root.appendChild(live);
    select.hidden = true;
    var nojs = select.nextElementSibling;  // the hint for the plain select (Ctrl-click) is not needed now
    if (nojs && nojs.hasAttribute("data-picker-hint")) nojs.hidden = true;
    select.tabIndex = -1;
    select.parentNode.insertBefore(root, select.nextSibling);

    function options() { return Array.prototype.slice.call(select.options); }

    function changed() { select.dispatchEvent(new Event("change", { bubbles: true })); }

    function announce(text) {
      live.textContent = "";
      window.setTimeout(function () { live.textContent = text; }, 50);
    }

    function drawChips() {
      chips.textContent = "";
      var names = [];
      options().forEach(function (option) {
        if (!option.selected) return;
        names.push(option.text);
        var chip = make("li", "chip picker-chip");
        chip.appendChild(make("span", "", option.text));
        var remove = make("button", "picker-remove", "×");
        remove.type = "button";
        remove.setAttribute("aria-label", say(words.pickerRemove, option.text));
        remove.title = say(words.pickerRemove, option.text);
        remove.addEventListener("click", function () { unpick(option, remove); });
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
      chips.hidden = names.length === 0;
      hint.textContent = names.length ? (words.pickerChosen || "") + " " + names.join(", ") : (words.pickerNone || "");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark(index) {
      active = index;
      shown.forEach(function (item, i) { item.element.setAttribute("aria-selected", i === index ? "true" : "false"); });
      if (index >= 0 && shown[index]) {
        input.setAttribute("aria-activedescendant", shown[index].element.id);
        shown[index].element.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function drawList() {
      var query = fold(input.value.trim());
      list.textContent = "";
      shown = [];
      var group = null;
      options().forEach(function (option, index) {
        if (option.selected || option.disabled || option.value === "") return;
        var text = option.text;
        if (query && fold(text).indexOf(query) < 0 && fold(option.value).indexOf(query) !== 0) return;
        var parent = option.parentNode;
        if (parent.tagName === "OPTGROUP" && parent !== group) {
          group = parent;
          var heading = make("li", "picker-group", parent.label);
          heading.setAttribute("role", "presentation");
          list.appendChild(heading);
        }
        var item = make("li", "picker-option", text);
        item.id = id + "-option-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the focus
        item.addEventListener("click", function () { pick(option); });
        list.appendChild(item);
        shown.push({ option: option, element: item });
      });
      if (!shown.length) {
        var empty = make("li", "picker-empty", words.pickerNoMatch || "");
        empty.setAttribute("role", "presentation");
        list.appendChild(empty);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      mark(query && shown.length ? 0 : -1);
      if (query) announce(shown.length ? say(words.pickerCount, String(shown.length)) : (words.pickerNoMatch || ""));
    }

    function pick(option) {
      option.selected = true;
      input.value = "";
      changed();  // redraws the chips (the select's change listener below)
      close();
      input.focus();
      announce(say(words.pickerAdded, option.text));
    }

    function unpick(option, button) {
      var buttons = Array.prototype.slice.call(chips.querySelectorAll("button"));
      var at = buttons.indexOf(button);
      option.selected = false;
      changed();  // redraws the chips
      var left = chips.querySelectorAll("button");
      (left[Math.min(at, left.length - 1)] || input).focus();
      announce(say(words.pickerRemoved, option.text));
    }

    input.addEventListener("input", drawList);
    input.addEventListener("focus", function () { if (input.value) drawList(); });
    input.addEventListener("blur", function () {
      // A click on an option lands after the blur, so the list closes a little later; by then the
      // box may have the focus again (one tabbed away and back) and its list must stay open.
      window.setTimeout(function () { if (document.activeElement !== input) close(); }, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { drawList(); mark(shown.length ? 0 : -1); return; }
        mark(Math.min(active + 1, shown.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (open) mark(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        if (open && active >= 0 && shown[active]) {
          event.preventDefault();  // Enter picks; it does not send the form
          pick(shown[active].option);
        } else if (input.value.trim()) {
          event.preventDefault();
        }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); }
      } else if (event.key === "Backspace" && !input.value) {
        var last = chips.querySelector("li:last-child button");
        if (last) last.focus();
      }
    });
    // Something else changed the select (a suggested theme, the form's reset): follow it.
    select.addEventListener("change", drawChips);
    var form = select.form;
    if (form) form.addEventListener("reset", function () { window.setTimeout(drawChips, 0); });
    drawChips();
  }

  function enhanceAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("select[multiple][data-picker]"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  } else {
    enhanceAll(document);
  }
  document.addEventListener("htmx:afterSettle", function (event) { enhanceAll(event.detail.elt); });
})();
