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
  // After an inline form or a section is swapped in, move the focus to it (keyboard and screen-reader users).
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.querySelector) return;
    var focus = target.querySelector(".error-summary, .inline-form textarea, .inline-form select, .message-success");
    if (focus) {
      if (!focus.hasAttribute("tabindex") && !/^(TEXTAREA|SELECT|INPUT)$/.test(focus.tagName)) {
        focus.setAttribute("tabindex", "-1");
      }
      focus.focus({ preventScroll: false });
    }
  });
  // A form that destroys something asks first (the question is in its data-confirm attribute).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
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
