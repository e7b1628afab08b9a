/* Renkei: small enhancements on top of htmx. Every page works without this file. */
(function () {
  "use strict";
  // Filter forms send only the filters that are set, so the address bar stays short and shareable.
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("form[data-drop-empty]")) return;
    var params = event.detail.parameters;
    Object.keys(params).forEach(function (key) {
      if (params[key] === "") delete params[key];
    });
  });
  // The page's live region reads a text out once (screen readers); emptied first so that the same
  // text said twice is read twice.
  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region || !text) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text.replace(/\s+/g, " ").trim(); }, 60);
  }
  function focusOn(element) {
    if (!/^(TEXTAREA|SELECT|INPUT|BUTTON|A)$/.test(element.tagName) && !element.hasAttribute("tabindex")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus({ preventScroll: true });
  }
  // The top of the window below the sticky header (its height changes with the screen and the sign-in).
  function windowTop() {
    var header = document.querySelector(".site-header");
    return header ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
  }
  function inView(element) {
    var box = element.getBoundingClientRect();
    return box.top >= windowTop() && box.bottom <= window.innerHeight;
  }
  // After htmx swaps something in (htmx:afterSettle is dispatched on each new element). A form the
  // server sent back with errors stays where the user is: scrolled into view itself (not the page's
  // top), the focus on its first invalid field (or its error summary), the errors read out through
  // the live region. An error elsewhere in the swapped part is read out without moving the focus (a
  // filter form keeps it while the user types), unless it says so (data-focus: the button that was
  // pressed went with the swap). A freshly opened inline form gets the focus on its
  // first field, a notice of success gets it too.
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.target;
    if (!root || !root.querySelector || !root.isConnected) return;
    var summary = root.matches(".error-summary") ? root : root.querySelector("form .error-summary");
    if (summary) {
      var form = summary.closest("form");
      var field = form.querySelector("[aria-invalid=true]:not([type=hidden])");
      window.scrollBy(0, form.getBoundingClientRect().top - windowTop() - 12);
      focusOn(field || summary);
      // a form taller than the window: as much of its top as the field leaves room for
      if (field && !inView(field)) window.scrollBy(0, field.getBoundingClientRect().bottom - window.innerHeight + 24);
      announce(summary.textContent);
      return;
    }
    var problem = root.matches("[role=alert]") ? root : root.querySelector("[role=alert]");
    if (problem) {
      announce(problem.textContent);
      if (problem.hasAttribute("data-focus")) {  // the button that was pressed went with the swap
        focusOn(problem);
        if (!inView(problem)) window.scrollBy(0, problem.getBoundingClientRect().top - windowTop() - 12);
      }
      return;
    }
    var first = root.matches(".inline-form") ? root.querySelector("textarea, select, input:not([type=hidden])")
      : root.querySelector(".message-success");
    if (first) {
      focusOn(first);
      if (!inView(first)) window.scrollBy(0, first.getBoundingClientRect().top - windowTop() - 12);
    }
  });
  // A form that destroys something asks first (the question is in its data-confirm attribute).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // "Add a question" and the like: a copy of the formset's empty row (its <template>) instead of sending
  // the form to ask the server for one.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-formset-add]");
    if (!button) return;
    var prefix = button.getAttribute("data-formset-add");
    var form = button.closest("form");
    var total = form && form.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var template = form && form.querySelector("template[data-formset-empty='" + prefix + "']");
    var rows = form && form.querySelector("[data-formset-rows='" + prefix + "']");
    if (!total || !template || !rows) return;
    event.preventDefault();
    var index = parseInt(total.value, 10) || 0;
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    var first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  });
  // A slider shows its value in the <output> beside it.
  document.addEventListener("input", function (event) {
    var slider = event.target;
    if (!slider.matches || !slider.matches("input[type=range]")) return;
    var output = slider.nextElementSibling;
    if (output && output.tagName === "OUTPUT") output.value = slider.value;
  });
  // A theme suggested from the text is added to the product's themes with one click.
  document.addEventListener("click", function (event) {
    var chip = event.target.closest && event.target.closest("[data-theme-code]");
    if (!chip) return;
    var form = chip.closest("form");
    var select = form && form.querySelector("select[name=themes]");
    if (!select) return;
    Array.prototype.forEach.call(select.options, function (option) {
      if (option.value === chip.getAttribute("data-theme-code")) option.selected = true;
    });
    select.dispatchEvent(new Event("change", { bubbles: true }));  // the picker over the select follows
    chip.setAttribute("aria-pressed", "true");
    chip.disabled = true;
  });
  // Tables with a header row are read as cards on a phone (renkei.css): the row's name (the first cell
  // with a link or in bold, else the first cell) heads the card, every other cell is labelled with its
  // column's heading, and empty cells are left out. Without this script the tables scroll sideways.
  function labelTables(root) {
    if (!root || !root.querySelectorAll) return;
    var tables = root.querySelectorAll("table.table, .chart-data table");
    Array.prototype.forEach.call(tables, function (table) {
      var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
      if (!head || head.cells.length < 3) return;  // two columns fit a phone as they are
      var labels = [];
      Array.prototype.forEach.call(head.cells, function (th) {
        for (var i = 0; i < (th.colSpan || 1); i++) labels.push(th.textContent.replace(/\s+/g, " ").trim());
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var cells = Array.prototype.slice.call(row.cells);
          var title = cells.filter(function (cell) { return cell.querySelector("a, strong"); })[0] || cells[0];
          var column = 0;
          cells.forEach(function (cell) {
            if (cell === title) cell.classList.add("cell-title");
            else if (cell.colSpan === 1 && labels[column] && !cell.hasAttribute("data-label")) {
              cell.setAttribute("data-label", labels[column]);
            }
            if (!cell.textContent.trim() && !cell.querySelector("input, select, button, img, svg")) {
              cell.classList.add("cell-empty");
            }
            column += cell.colSpan || 1;
          });
        });
      });
      table.classList.add("table-cards");
    });
  }
  // On a phone a page's filter form (<details data-narrow-closed>) starts closed under its summary, so
  // that the results come first; on a wide screen it is always open (the summary is hidden there).
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 960px)") : null;
  function foldFilters() {
    Array.prototype.forEach.call(document.querySelectorAll("details[data-narrow-closed]"), function (details) {
      if (!narrow || !narrow.matches) details.open = true;
      else if (!details.querySelector(".field-error, .error")) details.open = false;
    });
  }
  if (narrow && narrow.addEventListener) narrow.addEventListener("change", foldFilters);
  function enhance() { labelTables(document); foldFilters(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", enhance);
  else enhance();
  document.addEventListener("htmx:afterSettle", function (event) {
    labelTables(event.detail.elt.parentNode || event.detail.elt);
  });
  // Times in an activity's own time zone get the reader's time beside them (the browser knows its zone;
  // without this the page says which zone it shows). The words come from [data-viewer-zone].
  function viewerTimes(root) {
    var note = document.querySelector("[data-viewer-zone]");
    if (!note || !window.Intl) return;
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    note.textContent = note.getAttribute("data-label").replace("%s", zone);
    var format = new Intl.DateTimeFormat(document.documentElement.lang || undefined,
      { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" });
    Array.prototype.forEach.call((root || document).querySelectorAll("time[data-viewer-time]"), function (time) {
      if (time.hasAttribute("data-viewer-done")) return;
      time.setAttribute("data-viewer-done", "");
      if (time.getAttribute("data-zone") === zone) return;  // the same zone: nothing to add
      var yours = document.createElement("span");
      yours.className = "viewer-time";
      yours.textContent = " " + note.getAttribute("data-yours").replace("%s", format.format(new Date(time.getAttribute("datetime"))));
      time.parentNode.insertBefore(yours, time.nextSibling);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { viewerTimes(document); });
  } else {
    viewerTimes(document);
  }
  // Charts: the drawing library is loaded only on pages that have a chart (renkei/charts.js draws them).
  var chartScripts = null;
  function loadCharts(root) {
    var figure = (root || document).querySelector("figure[data-chart]");
    if (!figure) return;
    if (window.RenkeiCharts) { window.RenkeiCharts.drawAll(root); return; }
    if (chartScripts) return;
    chartScripts = figure.getAttribute("data-chart-scripts").split(" ");
    (function next(index) {
      if (index >= chartScripts.length) return;
      var script = document.createElement("script");
      script.src = chartScripts[index];
      script.onload = function () { next(index + 1); };
      document.head.appendChild(script);
    })(0);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { loadCharts(document); });
  } else {
    loadCharts(document);
  }
  document.addEventListener("htmx:afterSettle", function (event) { loadCharts(event.detail.elt); });
})();
