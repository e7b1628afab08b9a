/* Renkei charts: draws each <figure data-chart> from the JSON beside it with Observable Plot (ADR 7).
   The figure's data table and CSV link work without this file; it adds the picture and SVG/PNG downloads. */
(function () {
  "use strict";
  var ACCENT = "#c8102e", BASE = "#5b7083", MUTED = "#b8c4ce";

  function spec(figure) {
    var node = figure.querySelector("script[type='application/json']");
    return node ? JSON.parse(node.textContent) : null;
  }

  function categories(rows, key) {
    var seen = [], index = {};
    rows.forEach(function (row) {
      var value = row[key];
      if (!(value in index)) { index[value] = true; seen.push(value); }
    });
    return seen;
  }

  // Category labels on the left: the margin fits the longest (Japanese characters are about twice as
  // wide as Latin ones) but takes at most 45 % of the width (260 px on a wide screen); a longer label is
  // shortened with "…" (the whole of it is in the data table and the tooltip).
  function textWidth(text) {
    var width = 0;
    for (var i = 0; i < text.length; i++) width += text.charCodeAt(i) > 0x10ff ? 12 : 7;
    return width;
  }

  function leftLabels(values, width, options) {
    var margin = Math.min(260, Math.round(width * 0.45),
      12 + values.reduce(function (max, value) { return Math.max(max, textWidth(String(value))); }, 0));
    options.marginLeft = margin;
    return function (value) {
      var text = String(value);
      if (textWidth(text) <= margin - 12) return text;
      while (text && textWidth(text) > margin - 24) text = text.slice(0, -1);
      return text + "…";
    };
  }

  function colour(row) { return row._highlight ? ACCENT : BASE; }

  function build(s, width) {
    var rows = s.rows, marks = [], options = { width: width, style: { fontSize: "12px" } };
    var domain = s.domain || undefined;
    if (s.kind === "bar") {
      var ys = s.yDomain || categories(rows, s.y);
      options.height = s.height || Math.max(80, 28 * ys.length + 40);
      options.x = { domain: domain, label: s.xLabel, grid: true };
      options.y = { domain: ys, label: null, tickFormat: leftLabels(ys, width, options) };
      marks.push(Plot.barX(rows, {
        x: s.x, y: s.y, fill: s.fill ? s.fill : colour, title: "_title", inset: 2
      }));
      marks.push(Plot.ruleX([domain ? domain[0] : 0]));
      if (s.fill) options.color = { legend: true, domain: categories(rows, s.fill) };
    } else if (s.kind === "strip") {
      var rowsY = s.yDomain || categories(rows, s.y);
      options.height = s.height || Math.max(90, 34 * rowsY.length + 50);
      options.x = { domain: domain, label: s.xLabel, grid: true };
      options.y = { domain: rowsY, label: null, tickFormat: leftLabels(rowsY, width, options) };
      marks.push(Plot.dot(rows.filter(function (r) { return !r._highlight; }), {
        x: s.x, y: s.y, r: s.fill ? 5 : 4, fill: s.fill || MUTED, stroke: BASE, title: "_title"
      }));
      // a column that colours the dots (a partnership's two sides): in the rows' order, with a legend
      if (s.fill) options.color = { legend: true, domain: categories(rows, s.fill) };
      marks.push(Plot.dot(rows.filter(function (r) { return r._highlight; }), {
        x: s.x, y: s.y, r: 7, fill: ACCENT, stroke: "#000", title: "_title"
      }));
    } else if (s.kind === "line") {
      options.height = s.height || 260;
      var xs0 = categories(rows, s.x).sort(function (a, b) { return a - b; });
      options.x = { label: s.xLabel, grid: true };
      if (s.xNumeric && xs0.every(Number.isInteger)) {
        if (xs0.length <= 12) options.x.ticks = xs0;
        options.x.tickFormat = "d";  // whole numbers such as years: 2012, never 2,012
      }
      options.y = { domain: domain, label: s.yLabel, grid: true };
      var series = s.series ? { stroke: s.series } : { stroke: BASE };
      marks.push(Plot.line(s.line || rows, Object.assign({ x: s.x, y: s.y }, series)));  // null: a gap
      marks.push(Plot.dot(rows, Object.assign({ x: s.x, y: s.y, r: 4, fill: "white", title: "_title" }, series)));
      // colours follow the rows' order (the place first), not the names' order, so a series keeps its
      // colour in every language
      if (s.series && categories(rows, s.series).length > 1) {
        options.color = { legend: true, domain: categories(rows, s.series) };
      }
    } else if (s.kind === "heatmap") {
      var xs = s.xDomain || categories(rows, s.x), hy = s.yDomain || categories(rows, s.y);
      options.marginBottom = 90;
      options.height = s.height || Math.max(120, 32 * hy.length + 110);
      options.x = { domain: xs, label: null, tickRotate: -35 };
      options.y = { domain: hy, label: null, tickFormat: leftLabels(hy, width, options) };
      options.color = { type: "linear", domain: domain, scheme: "RdYlGn", legend: true, label: s.fillLabel || null };
      marks.push(Plot.cell(rows, { x: s.x, y: s.y, fill: s.fill, title: "_title", inset: 1 }));
      marks.push(Plot.cell(s.missing || [], { x: s.x, y: s.y, fill: "#eeeeee", inset: 1 }));
      marks.push(Plot.text(s.missing || [], { x: s.x, y: s.y, text: function () { return "–"; }, fill: "#767676" }));
      marks.push(Plot.text(rows, { x: s.x, y: s.y, text: function (r) { return r[s.fill]; }, fill: "black" }));
    }
    options.marks = marks;
    return Plot.plot(options);
  }

  function strip(node) {
    // Plot adds a <style> element to each chart; the page's CSP allows only Renkei's own style sheet,
    // which carries the same rules (.chart-canvas svg), so the element is dropped before insertion.
    Array.prototype.forEach.call(node.querySelectorAll("style"), function (style) { style.remove(); });
    if (node.tagName && node.tagName.toLowerCase() === "style") return null;
    return node;
  }

  function draw(figure) {
    var s = spec(figure), canvas = figure.querySelector(".chart-canvas");
    if (!s || !canvas || typeof Plot === "undefined") return;
    var width = Math.max(280, Math.min(900, figure.clientWidth || 640));
    var node = strip(build(s, width));
    canvas.replaceChildren(node);
    figure.setAttribute("data-drawn", "true");
    Array.prototype.forEach.call(figure.querySelectorAll("[data-chart-download]"), function (button) {
      button.hidden = false;
    });
  }

  var CSS = "svg{font-family:system-ui,sans-serif;background:white}text,tspan{white-space:pre}";
  var SVG_NS = "http://www.w3.org/2000/svg", PAD = 8;

  function svgElement(name, attributes) {
    var node = document.createElementNS(SVG_NS, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  // The chart as one SVG document: Plot draws a chart with a legend as a <figure> holding the legend
  // (a colour ramp as an <svg>, or swatches as HTML) above the chart's <svg>; each part is stacked in
  // order, the swatches redrawn as squares and labels, so the download says what its colours mean.
  function svgText(figure) {
    var root = figure.querySelector(".chart-canvas").firstElementChild;
    var parts = root.tagName.toLowerCase() === "svg" ? [root] : Array.prototype.slice.call(root.children);
    var out = svgElement("svg", {}), y = 0, width = 0;
    parts.forEach(function (part) {
      if (part.tagName.toLowerCase() === "svg") {
        var copy = part.cloneNode(true);
        copy.setAttribute("x", String(PAD));
        copy.setAttribute("y", String(y));
        copy.setAttribute("overflow", "visible");  // a ramp's end labels stand past its edges
        out.appendChild(copy);
        y += part.height.baseVal.value;
        width = Math.max(width, part.width.baseVal.value);
        return;
      }
      var swatches = part.querySelectorAll("span[class$='-swatch']");
      if (!swatches.length) return;
      var legend = svgElement("g", { transform: "translate(" + PAD + "," + (y + 4) + ")", "font-size": "12" }), x = 0;
      Array.prototype.forEach.call(swatches, function (swatch) {
        var square = swatch.querySelector("svg"), label = swatch.textContent.trim();
        var fill = square && (square.getAttribute("fill") ||
          (square.querySelector("[fill]") && square.querySelector("[fill]").getAttribute("fill")));
        legend.appendChild(svgElement("rect", { x: String(x), y: "0", width: "15", height: "15", fill: fill || BASE }));
        var text = svgElement("text", { x: String(x + 20), y: "12" });
        text.textContent = label;
        legend.appendChild(text);
        x += 20 + textWidth(label) + 16;
      });
      out.appendChild(legend);
      y += 24;
      width = Math.max(width, x);
    });
    width = Math.ceil(width) + 2 * PAD;
    y = Math.ceil(y);
    out.setAttribute("width", String(width));
    out.setAttribute("height", String(y));
    out.setAttribute("viewBox", "0 0 " + width + " " + y);
    var style = svgElement("style", {});
    style.textContent = CSS;
    out.insertBefore(style, out.firstChild);
    return { text: new XMLSerializer().serializeToString(out), width: width, height: y };
  }

  function save(href, name) {
    var link = document.createElement("a");
    link.href = href;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-chart-download]");
    if (!button) return;
    var figure = button.closest("figure[data-chart]"), name = figure.getAttribute("data-chart");
    var svg = svgText(figure);
    var url = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg.text);
    if (button.getAttribute("data-chart-download") === "svg") { save(url, name + ".svg"); return; }
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas"), scale = 2;
      canvas.width = svg.width * scale;
      canvas.height = svg.height * scale;
      var context = canvas.getContext("2d");
      context.fillStyle = "white";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      save(canvas.toDataURL("image/png"), name + ".png");
    };
    image.src = url;
  });

  function drawAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("figure[data-chart]:not([data-drawn])"), draw);
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      Array.prototype.forEach.call(document.querySelectorAll("figure[data-chart][data-drawn]"), draw);
    }, 200);
  });

  window.RenkeiCharts = { drawAll: drawAll };
  drawAll(document);
})();
